"""The first-run page: the one-time link printed by `manage.py first_run_link` opens it."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from apps.accounts.models import User
from apps.school import first_run as setup
from apps.school.models import School


class FirstSchoolForm(forms.ModelForm):
    username = forms.CharField(label=gettext_lazy("Логин администратора"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Фамилия"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("Имя"), max_length=150)
    patronymic = forms.CharField(label=gettext_lazy("Отчество"), max_length=150, required=False)
    admin_email = forms.EmailField(label=gettext_lazy("Электронная почта"), required=False)
    password1 = forms.CharField(
        label=gettext_lazy("Пароль"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Пароль ещё раз"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = School
        fields = ["full_name", "short_name", "time_zone", "address", "inn", "kpp", "ogrn"]
        widgets = {"address": forms.TextInput()}

    SCHOOL_FIELDS = Meta.fields
    ADMIN_FIELDS = ("username", "last_name", "first_name", "patronymic", "admin_email")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Такой логин уже занят."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Пароли не совпадают."))
        elif first:
            candidate = User(
                username=cleaned.get("username", ""),
                last_name=cleaned.get("last_name", ""),
                first_name=cleaned.get("first_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


@never_cache
def first_run(request, token: str):
    """Create the installation's first school and its administrator, then log them in."""
    if not setup.first_run_token_valid(token):
        raise Http404
    if not setup.installation_is_empty():
        return render(request, "school/first_run_done.html", status=410)
    form = FirstSchoolForm(request.POST or None, initial={"time_zone": "Europe/Moscow"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school, user, _issued = setup.school_with_administrator_create(
                card={name: data[name] for name in form.SCHOOL_FIELDS},
                username=data["username"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                email=data["admin_email"],
                password=data["password1"],
                only_if_empty=True,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Школа «%(school)s» создана, вы — её администратор. Дальше: учебный год и "
                    "периоды, смены и звонки, предметы, классы, затем сотрудники на странице "
                    "«Пользователи и роли»."
                )
                % {"school": school.short_name},
            )
            return redirect("school:home", school_id=school.pk)
    return render(request, "school/first_run.html", {"form": form})
