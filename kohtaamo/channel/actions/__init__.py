"""Operations of the client channel, one module per feature: `chat`, `requests`, `feedback`,
`own_data`. Each writes its own audit entries where client data is read or changed."""
