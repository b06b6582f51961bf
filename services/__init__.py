"""The use cases, one module per feature. Pages and ui/ call these, never db/.

Every write service has the same shape:

    def record_payment(engine, actor: Actor, unit_id: int, amount, paid_on, method, ...,
                       request_key: str | None = None) -> Recorded:
        actor.require(Capability.RECORD_PAYMENT)           # may this role do it at all?
        entry = validate_payment(...)                       # every wrong field at once (ValidationErrors)
        with UnitOfWork(engine, actor.username, request_key) as uow:
            if (done := uow.done_before()) is not None:     # the same submission again
                return done
            unit = unit_repository.get(uow.session, unit_id)
            actor.require_project(unit.project_id)          # and here, in this project?
            ...core rule, repository writes...
            uow.audit(...)
            return uow.commit(result)                       # plain data back (a dataclass: receipt no., credit...)

Reads take the actor too and narrow their project scope with `actor.scope(...)`.
"""
