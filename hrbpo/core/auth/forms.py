from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from hrbpo.core.config import SUPPORTED_LOCALES
from hrbpo.core.text import Form

LANGUAGES = {"en": "English", "hi": "हिन्दी", "ur": "اردو", "nb": "Norsk bokmål"}


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    tenant = StringField(_l("Organisation (slug)"), validators=[Optional(), Length(max=63)])


class CodeForm(Form):
    """The second sign-in step, and the confirmation when enrolling."""

    code = StringField(_l("Code from your authenticator app, or a backup code"),
                       validators=[DataRequired(), Length(max=32)])


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])


class LanguageForm(Form):
    locale = SelectField(_l("Language"), choices=[SelectChoice("", _l("As my organisation"))]
                         + [SelectChoice(code, LANGUAGES[code]) for code in SUPPORTED_LOCALES])


class TimezoneForm(Form):
    """The zone the operator console shows times in (next to each client's own)."""

    timezone = SelectField(_l("Time zone"), choices=[SelectChoice("", "UTC")]
                           + [SelectChoice(zone, zone) for zone in sorted(available_timezones()) if zone != "UTC"])
