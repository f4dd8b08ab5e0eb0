"""Tracking: units and people, tasks from documents, reports back, status from dates.

Pure rules (``status``, ``recurrence``, ``roles``) need no database; the rest works over the
archive's session and shared ``Base`` (``models``, ``registry``, ``tracker``, ``queries``,
``accounts``, ``export``).
"""

from .recurrence import Period, expand
from .roles import Action, Role, can
from .status import Status, due_soon, status

__all__ = ["Action", "Period", "Role", "Status", "can", "due_soon", "expand", "status"]
