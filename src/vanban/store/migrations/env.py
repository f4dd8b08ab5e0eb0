"""Alembic environment: runs on the connection ``vanban.store.db.migrate`` hands over."""

from alembic import context

from vanban.store import models  # noqa: F401  (registers the archive's tables)
from vanban.store.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
