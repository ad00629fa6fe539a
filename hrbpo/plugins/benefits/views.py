"""Portal pages under /t/<slug>/benefits/."""
from flask import Blueprint

bp = Blueprint("benefits_pages", __name__, template_folder="templates")
