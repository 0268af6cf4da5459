from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """When the scheduler last enqueued each periodic job."""

    name = models.CharField(max_length=200, primary_key=True)
    last_enqueued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("scheduled run")

    def __str__(self):
        return self.name
