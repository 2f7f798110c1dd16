"""Accounting invariants the end-to-end tests check in SQL after a race or a crash.

Each function returns the offending rows (empty when the books are sound),
so that a failing assertion shows what is wrong.
"""

from e2e import psql


def unbalanced_moves(database):
    """Posted entries whose debits do not equal their credits."""
    return psql(
        database,
        "SELECT move.id, move.name, sum(line.debit), sum(line.credit)"
        " FROM account_move move JOIN account_move_line line"
        " ON line.move_id = move.id WHERE move.state = 'posted'"
        " GROUP BY move.id, move.name HAVING sum(line.debit) != sum(line.credit)"
        " OR sum(line.balance) != 0",
    )


def inconsistent_residuals(database):
    """Receivable lines whose residual is not their balance minus what their
    partial reconciliations settle."""
    return psql(
        database,
        "SELECT line.id, line.balance, line.amount_residual, settled.amount"
        " FROM account_move_line line JOIN account_account account"
        " ON account.id = line.account_id"
        " LEFT JOIN LATERAL (SELECT coalesce(sum(CASE WHEN partial.debit_move_id"
        " = line.id THEN partial.amount ELSE -partial.amount END), 0) AS amount"
        " FROM account_partial_reconcile partial WHERE line.id IN"
        " (partial.debit_move_id, partial.credit_move_id)) settled ON true"
        " WHERE account.account_type = 'asset_receivable'"
        " AND line.parent_state = 'posted'"
        " AND line.amount_residual != line.balance - settled.amount",
    )


def inconsistent_invoices(database):
    """Posted customer invoices whose paid part (total - residual) is not the
    sum of the partial reconciliations of their receivable lines."""
    return psql(
        database,
        "SELECT move.id, move.amount_total, move.amount_residual, settled.amount"
        " FROM account_move move LEFT JOIN LATERAL (SELECT coalesce(sum("
        "partial.amount), 0) AS amount FROM account_partial_reconcile partial"
        " JOIN account_move_line line ON line.id = partial.debit_move_id"
        " WHERE line.move_id = move.id) settled ON true"
        " WHERE move.move_type = 'out_invoice' AND move.state = 'posted'"
        " AND move.amount_total - move.amount_residual != settled.amount",
    )


def partials_of_unposted_moves(database):
    """Partial reconciliations one of whose lines is not in a posted entry."""
    return psql(
        database,
        "SELECT partial.id FROM account_partial_reconcile partial"
        " JOIN account_move_line debit ON debit.id = partial.debit_move_id"
        " JOIN account_move_line credit ON credit.id = partial.credit_move_id"
        " WHERE debit.parent_state != 'posted' OR credit.parent_state != 'posted'",
    )


def payments_reconciled_twice(database):
    """Payments whose receivable lines settle more than one invoice line, or
    settle more than the payment's amount."""
    return psql(
        database,
        "SELECT payment.uuid, count(partial.id), sum(partial.amount),"
        " max(payment.amount) FROM account_payment payment"
        " JOIN account_move_line line ON line.move_id = payment.move_id"
        " JOIN account_partial_reconcile partial ON partial.credit_move_id = line.id"
        " GROUP BY payment.uuid HAVING count(partial.id) > 1"
        " OR sum(partial.amount) > max(payment.amount)",
    )


def ledger_problems(database):
    """Every invariant above, by name: {} when the books are sound."""
    checks = {
        "unbalanced moves": unbalanced_moves,
        "inconsistent receivable residuals": inconsistent_residuals,
        "inconsistent invoice residuals": inconsistent_invoices,
        "partials of unposted moves": partials_of_unposted_moves,
        "payments reconciled twice": payments_reconciled_twice,
    }
    return {name: rows for name, check in checks.items() if (rows := check(database))}
