"""Knowledge base articles per locale, and the suggestions made while a case
is written: published articles sharing words with it, best match first, the
requester's language first."""
import re

import sqlalchemy as sa

from hrbpo.plugin_api import NotFound, audit, current_tenant, db, utcnow
from hrbpo.plugins.servicedesk.models import Article

SUGGESTED = 5
_WORD = re.compile(r"\w{3,}")


def article_query(staff: bool, q: str | None = None, locale: str | None = None):
    query = sa.select(Article).order_by(Article.title, Article.id)
    if not staff:
        query = query.where(Article.published.is_(True))
    if locale:
        query = query.where(Article.locale == locale)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(Article.title).like(pattern), sa.func.lower(Article.body).like(pattern)))
    return query


def get(article_id, staff: bool) -> Article:
    article = db.session.get(Article, (current_tenant().id, article_id))
    if article is None or not (staff or article.published):
        raise NotFound("Article not found.")
    return article


def create(data: dict) -> Article:
    article = Article(**data, updated_at=utcnow())
    db.session.add(article)
    db.session.flush()
    audit.record("servicedesk.article.create", article, {"title": article.title, "locale": article.locale})
    return article


def update(article: Article, changes: dict) -> Article:
    for key, value in changes.items():
        setattr(article, key, value)
    article.updated_at = utcnow()
    db.session.flush()
    audit.record("servicedesk.article.update", article, {k: v for k, v in changes.items() if k != "body"})
    return article


def delete(article: Article):
    audit.record("servicedesk.article.delete", article, {"title": article.title})
    db.session.delete(article)
    db.session.flush()


def words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text or "")}


def suggest(text: str, locale: str) -> list[dict]:
    """Up to five published articles sharing words with `text`."""
    wanted = words(text)
    if not wanted:
        return []
    scored = []
    for article in db.session.scalars(article_query(False)):
        shared = len(wanted & (words(article.title) | words(article.body)))
        if shared:
            scored.append((article.locale != locale, -shared, article.title, article))
    return [{"id": a.id, "title": a.title} for *_, a in sorted(scored, key=lambda s: s[:3])[:SUGGESTED]]
