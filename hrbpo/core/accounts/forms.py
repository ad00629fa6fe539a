from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from hrbpo.core.accounts.policy import MAX_LENGTH
from hrbpo.core.text import Form


class NewPasswordForm(Form):
    """A new password, twice (a new account from an invitation, a reset)."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             description=_l("At least 12 characters, not your email address, not a common password."))
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class CurrentPasswordForm(Form):
    """An existing account accepting an invitation proves its password."""

    password = PasswordField(_l("Your current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ForgotForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
