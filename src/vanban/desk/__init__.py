"""The clerk's desk (văn thư): registers of incoming and outgoing documents (NĐ 30/2020 Phụ lục
IV), routing to leaders and the phiếu giải quyết, reminders that reach people (in the app and by
e-mail), and the edXML status packets these steps produce for an exchange hub."""

from ..errors import VanbanError


class DeskError(VanbanError):
    """A desk operation refused (not registered, not a leader, unknown unit…), said in Vietnamese."""
