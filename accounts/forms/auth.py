from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupRoleForm(forms.Form):
    """Extra field on allauth's sign-up form: who is signing up."""

    role = forms.TypedChoiceField(
        label=_("I am"),
        choices=[(User.Role.SEEKER, _("looking for work")), (User.Role.EMPLOYER, _("hiring"))],
        widget=forms.RadioSelect,
        initial=User.Role.SEEKER,
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def signup(self, request, user):
        from accounts.services.users import user_finish_signup

        user_finish_signup(user=user, full_name=self.cleaned_data["full_name"], role=self.cleaned_data["role"])
