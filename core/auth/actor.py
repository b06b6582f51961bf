"""Who is acting: the signed-in user as every use case sees it, with what they may do and where."""
from __future__ import annotations

from dataclasses import dataclass

from core.auth.capabilities import Capability, can
from core.auth.roles import Role, parse_role
from core.errors import NotFound, PermissionDenied


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    # None: every project; else the only projects this actor may read or write.
    project_ids: tuple[int, ...] | None = None

    def __post_init__(self):
        role = self.role if isinstance(self.role, Role) else parse_role(self.role)
        if role is None:
            raise PermissionDenied("err.not_allowed")
        object.__setattr__(self, "role", role)

    def can(self, capability: Capability) -> bool:
        return can(self.role, capability)

    def require(self, capability: Capability) -> None:
        if not self.can(capability):
            raise PermissionDenied("err.not_allowed")

    def sees(self, project_id: int | None) -> bool:
        """A record of no project (none yet chosen) is refused to a scoped actor."""
        return self.project_ids is None or project_id in self.project_ids

    def require_project(self, project_id: int | None) -> None:
        if not self.sees(project_id):
            raise PermissionDenied("err.other_project")

    def require_record(self, project_id: int | None, missing: str) -> int:
        """The project of the record a write acts on, as the repository found it (None: no such
        record, refused with the `missing` message), checked against the actor's scope."""
        if project_id is None:
            raise NotFound(missing)
        self.require_project(project_id)
        return project_id

    def as_reader(self) -> "Actor":
        """Role and project scope without the person: what a shared read may depend on."""
        return Actor("", self.role, self.project_ids)

    def scope(self, project_ids: tuple[int, ...] | None = None) -> tuple[int, ...] | None:
        """The projects a read may cover: the asked ones within the actor's own."""
        if project_ids is None:
            return self.project_ids
        if self.project_ids is None:
            return tuple(project_ids)
        return tuple(p for p in project_ids if p in self.project_ids)


SYSTEM = Actor("system", Role.ADMIN)   # imports, demo data, scheduled jobs
