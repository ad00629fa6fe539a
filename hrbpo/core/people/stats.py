"""Headcount and hires month by month, for the HR dashboard: two grouped
queries whatever the size of the tenant."""
from datetime import date

import sqlalchemy as sa

from hrbpo.core.db import db
from hrbpo.core.people.models import Employee


def _by_month(column, today: date) -> dict[tuple[int, int], int]:
    year, month = sa.extract("year", column), sa.extract("month", column)
    rows = db.session.execute(sa.select(year, month, sa.func.count()).where(column.is_not(None), column <= today)
                              .group_by(year, month)).all()
    return {(int(y), int(m)): n for y, m, n in rows}


def months_back(today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months, oldest first, this month last."""
    firsts, year, month = [], today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def monthly(today: date, months: int = 12) -> tuple[list[tuple[date, int]], list[tuple[date, int]]]:
    """(headcount at the end of each month, hires in each month) for the last `months` months."""
    hired, left = _by_month(Employee.hire_date, today), _by_month(Employee.termination_date, today)
    firsts = months_back(today, months)
    start = (firsts[0].year, firsts[0].month)
    running = sum(n for key, n in hired.items() if key < start) - sum(n for key, n in left.items() if key < start)
    headcount, hires = [], []
    for first in firsts:
        key = (first.year, first.month)
        running += hired.get(key, 0) - left.get(key, 0)
        headcount.append((first, running))
        hires.append((first, hired.get(key, 0)))
    return headcount, hires
