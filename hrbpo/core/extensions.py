"""Flask extensions, created here and bound in the app factory (init_app)."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from hrbpo.core.api.base import ProblemApi
from hrbpo.core.db import db

login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
api = ProblemApi()

__all__ = ["api", "babel", "csrf", "db", "limiter", "login_manager"]
