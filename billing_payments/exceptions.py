from odoo.exceptions import UserError


class BillingConflictError(UserError):
    """The operation conflicts with the record's current state.

    The APIs answer it with 409 Conflict (a locked period, a record still in
    use, a state that does not allow the operation).
    """
