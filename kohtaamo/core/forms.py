from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every field renders through one accessible template: label, help, error, fieldset."""

    field_template_name = "includes/field.html"
    form_template_name = "includes/form.html"
