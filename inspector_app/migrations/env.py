"""Alembic environment: one history for every table of the application."""

from alembic import context
from sqlalchemy import create_engine

from inspector_app.schema import metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # invoked from the alembic command line
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          compare_type=True, render_as_batch=True)
        context.run_migrations()


run_migrations_online()
