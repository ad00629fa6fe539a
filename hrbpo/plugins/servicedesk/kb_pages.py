"""Staff pages for the knowledge base: articles per language (list, add,
edit, delete), through the same services and schemas as the API."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from hrbpo.plugin_api import DomainError, db, flatten_errors, page_args, paginate
from hrbpo.plugins.servicedesk import articles, cases
from hrbpo.plugins.servicedesk.models import LOCALES
from hrbpo.plugins.servicedesk.schemas import ArticlePatchSchema, ArticleSchema
from hrbpo.plugins.servicedesk.views import bp


@bp.get("/articles")
def article_list():
    cases.require_staff(g.access)
    locale = request.args.get("locale") if request.args.get("locale") in LOCALES else None
    return render_template("servicedesk/articles.html", locales=LOCALES, locale=locale,
                           result=paginate(articles.article_query(True, None, locale), page_args()))


@bp.route("/articles/new", methods=["GET", "POST"], defaults={"article_id": None})
@bp.route("/articles/<uuid:article_id>", methods=["GET", "POST"])
def article_edit(article_id):
    cases.require_staff(g.access)
    found = articles.get(article_id, True) if article_id else None
    errors = {}
    typed = ({k: getattr(found, k) for k in ("title", "body", "locale", "published")} if found
             else {"locale": g.user.locale or "en", "published": True})
    if request.method == "POST":
        typed = {**request.form.to_dict(), "published": request.form.get("published") == "1"}
        body = {k: typed.get(k, "") for k in ("title", "body", "locale")} | {"published": typed["published"]}
        try:
            if found:
                articles.update(found, ArticlePatchSchema(partial=True).load(body))
            else:
                articles.create(ArticleSchema().load(body))
            db.session.commit()
            flash(_("The article is saved."), "success")
            return redirect(url_for("servicedesk.article_list"), 303)
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        except DomainError as exc:
            db.session.rollback()
            errors = exc.errors or {"title": [exc.detail]}
    return render_template("servicedesk/article_edit.html", article=found, typed=typed, errors=errors,
                           locales=LOCALES), 422 if errors else 200


@bp.post("/articles/<uuid:article_id>/delete")
def article_delete(article_id):
    cases.require_staff(g.access)
    articles.delete(articles.get(article_id, True))
    db.session.commit()
    flash(_("The article is deleted."), "success")
    return redirect(url_for("servicedesk.article_list"), 303)
