"""Every router of the notify API."""

from notify.duty.endpoints import router as duty
from notify.notifications.endpoints import router as notifications
from notify.quota_endpoints import router as quota
from notify.receipts.endpoints import router as receipts
from notify.templates.endpoints import router as templates

routers = [notifications, templates, duty, quota, receipts]
