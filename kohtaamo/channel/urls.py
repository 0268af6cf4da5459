"""Mounted at /palvelut/. Public pages have Finnish paths and need no login; the staff pages
(chat console, request queue, kept transcripts) require a verified staff login."""

from django.urls import path

from kohtaamo.channel.views import chat, console, feedback, finder, help, own

app_name = "channel"
urlpatterns = [
    # The service finder
    path("", finder.finder_page, name="finder"),
    path("palvelu/<uuid:hsds_id>/", finder.service_page, name="service"),
    # The person's chat
    path("chat/", chat.chat_list, name="chat-list"),
    path("chat/keskustelu/", chat.chat_page, name="chat"),
    path("chat/keskustelu/uudet/", chat.chat_poll, name="chat-poll"),
    path("chat/keskustelu/laheta/", chat.chat_send, name="chat-send"),
    path("chat/keskustelu/lopeta/", chat.chat_end, name="chat-end"),
    path("chat/keskustelu/yhteydenotto/", chat.chat_contact, name="chat-contact"),
    path("chat/keskustelu/palaute/", chat.chat_feedback, name="chat-feedback"),
    path("chat/keskustelu/poistu/", chat.chat_leave, name="chat-leave"),
    # The workers' console (staff)
    path("chat/console/", console.console, name="console"),
    path("chat/console/queue/", console.console_queue, name="console-queue"),
    path("chat/console/updates/", console.console_updates, name="console-updates"),
    path("chat/console/take-next/", console.console_take_next, name="console-take-next"),
    path("chat/console/<uuid:code>/", console.console_chat, name="console-chat"),
    path("chat/console/<uuid:code>/updates/", console.console_poll, name="console-poll"),
    path("chat/console/<uuid:code>/take/", console.console_take, name="console-take"),
    path("chat/console/<uuid:code>/send/", console.console_send, name="console-send"),
    path("chat/console/<uuid:code>/transfer/", console.console_transfer, name="console-transfer"),
    path("chat/console/<uuid:code>/end/", console.console_end, name="console-end"),
    path("chat/console/<uuid:code>/block/", console.console_block, name="console-block"),
    path("chat/console/<uuid:code>/details/", console.console_details, name="console-details"),
    path("chat/console/<uuid:code>/notify/", console.console_notify, name="console-notify"),
    path("chat/<slug:slug>/aloita/", chat.chat_start, name="chat-start"),
    # Chats kept in a client record, read through the person's registry access (staff)
    path("staff/chats/<uuid:code>/", console.transcript, name="transcript"),
    # Ask for help (public) and the queue (staff)
    path("apua/", help.help_form, name="help"),
    path("apua/kiitos/", help.help_thanks, name="help-thanks"),
    path("staff/requests/", help.request_queue, name="requests"),
    path("staff/requests/<uuid:code>/", help.request_detail, name="request"),
    path("staff/requests/<uuid:code>/take/", help.request_take, name="request-take"),
    path("staff/requests/<uuid:code>/done/", help.request_done, name="request-done"),
    # Anonymous feedback
    path("palaute/", feedback.feedback_start, name="feedback-start"),
    path("palaute/<str:code>/", feedback.feedback_form, name="feedback"),
    # The client's own data through the identification seam
    path("omat-tiedot/", own.own_data, name="own-data"),
    path("omat-tiedot/lataa/", own.own_data_download, name="own-data-download"),
    path("tunnistaudu/", own.identify, name="identify"),
    path("tunnistaudu/kehitys/", own.identify_dev, name="identify-dev"),
    path("tunnistaudu/ulos/", own.sign_out, name="sign-out"),
]
