"""Alembic environment: runs on the connection the catalogue hands over, never from a URL of its own."""

from alembic import context

from gallery.catalog.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
