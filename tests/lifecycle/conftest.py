from tests.projects.conftest import editor, project, resource, team  # noqa: F401
