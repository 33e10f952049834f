import logging
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts import lockouts, services
from apps.accounts.lockouts import address_throttled
from apps.accounts.middleware import start_shared_session
from apps.accounts.models import RoleGrant
from apps.accounts.policy import POLICY, Perm, Role
from apps.accounts.selectors import people_of_school
from apps.school import clock
from apps.school.access import school_view
from apps.school.confirm import Confirmation, confirmation_page, steps_confirmed
from apps.school.forms import GrantRoleForm, NewUserForm
from apps.school.inputs import add_validation_errors

logger = logging.getLogger(__name__)


class LoginForm(AuthenticationForm):
    shared_computer = forms.BooleanField(
        label=gettext_lazy("Чужой компьютер"),
        required=False,
        help_text=gettext_lazy(
            "Например, в кабинете или библиотеке: вход закончится, когда закроете браузер "
            "или не будете работать несколько минут."
        ),
    )
    error_messages = {
        "invalid_login": gettext_lazy(
            "Неверный логин или пароль. После нескольких неудачных попыток вход будет временно заблокирован."
        ),
        "inactive": gettext_lazy("Учётная запись отключена. Обратитесь к администратору школы."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("Логин")
        self.fields["password"].label = gettext_lazy("Пароль")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if address_throttled(ip_address=get_client_ip_address(request), now=clock.now()):
            logger.warning("login refused: too many failures from this address")
            return render(
                request,
                "accounts/locked_out.html",
                {"address": True},
                status=settings.AXES_HTTP_RESPONSE_CODE,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("shared_computer"):
            start_shared_session(self.request)
        return response


class NewPasswordForm(PasswordChangeForm):
    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise ValidationError(
                _("Новый пароль должен отличаться от прежнего (и от выданного школой)."),
                code="password_unchanged",
            )
        return password


@login_required
def password_change(request):
    form = NewPasswordForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.password_changed(user=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Пароль изменён."))
        return redirect("school:choose")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@school_view(Perm.MANAGE_ROLES)
def school_users(request):
    """Staff accounts of the school and their roles; the administrator grants and revokes."""
    ctx = request.school_ctx
    query = request.GET.get("q", "").strip()
    users = people_of_school(school=ctx.school)
    if query:
        users = users.filter(Q(last_name__icontains=query) | Q(username__icontains=query))
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role_grants__school=ctx.school, role_grants__role=role)
    elif role == WITHOUT_ROLES:
        users = users.exclude(role_grants__school=ctx.school)
    users = users.prefetch_related(
        Prefetch(
            "role_grants",
            queryset=RoleGrant.objects.filter(school=ctx.school),
            to_attr="school_grants",
        )
    ).order_by("last_name", "first_name")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    form = NewUserForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["role"] == Role.ADMIN and not steps_confirmed(request):
            return confirmation_page(request, admin_grant_confirmation(request, data["last_name"]))
        try:
            user, password = services.user_create(
                acting_user=request.user,
                username=data["username"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                email=data["email"],
            )
            services.role_grant(
                acting_user=request.user, school=ctx.school, user=user, role=data["role"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            issued = {"user": user, "password": password}
            form = NewUserForm()
    return render(
        request,
        "accounts/users.html",
        {
            "page": page,
            "form": form,
            "issued": issued,
            "query": query,
            "role": role,
            "roles": Role.choices,
            "without_roles": WITHOUT_ROLES,
            "grant_form": GrantRoleForm(),
            "policy_rows": policy_rows(),
        },
    )


WITHOUT_ROLES = "none"


def admin_grant_confirmation(request, name: str) -> Confirmation:
    return Confirmation(
        title=_("Выдать роль «Администратор системы»?"),
        consequences=[
            _(
                "%(name)s получит все права администратора: выдавать и снимать роли любому "
                "сотруднику (и себе), менять правила школы, справочники и учётные записи."
            )
            % {"name": name},
            _("Обычно эта роль нужна одному-двум сотрудникам школы."),
        ],
        button=_("Да, выдать роль администратора"),
        back=reverse("accounts:users", args=[request.school_ctx.school.pk]),
    )


def policy_rows() -> list[tuple[str, list[bool]]]:
    """The policy table as the administrator reads it: permission × role."""
    return [(perm.label, [role in allowed for role in Role]) for perm, allowed in POLICY.items()]


@school_view(Perm.MANAGE_ROLES)
@require_POST
def user_roles(request, user_id: int):
    ctx = request.school_ctx
    user = get_object_or_404(people_of_school(school=ctx.school), pk=user_id)
    role = request.POST.get("role", "")
    revoking = request.POST.get("action") == "revoke"
    if not steps_confirmed(request):
        if revoking and _is_last_role(user=user, school=ctx.school, role=role):
            return confirmation_page(request, _last_role_confirmation(request, user, role))
        if not revoking and role == Role.ADMIN:
            return confirmation_page(request, admin_grant_confirmation(request, user.full_name))
    try:
        if revoking:
            services.role_revoke(acting_user=request.user, school=ctx.school, user=user, role=role)
        else:
            services.role_grant(acting_user=request.user, school=ctx.school, user=user, role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Роли пользователя %(user)s изменены.") % {"user": user.full_name}
        )
    # Back to the same search: the administrator sees what changed.
    url = reverse("accounts:users", args=[ctx.school.pk])
    query = request.POST.get("q", "").strip()[:100]
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


def _is_last_role(*, user, school, role: str) -> bool:
    held = set(RoleGrant.objects.filter(user=user, school=school).values_list("role", flat=True))
    return held == {role}


def _last_role_confirmation(request, user, role: str) -> Confirmation:
    school = request.school_ctx.school
    return Confirmation(
        title=_("Снять последнюю роль?"),
        consequences=[
            _(
                "У %(name)s не останется ни одной роли в школе «%(school)s»: "
                "войти в журнал этой школы будет нельзя."
            )
            % {"name": user.full_name, "school": school.short_name},
            _(
                "Снимается роль «%(role)s». Человек останется в списке «Пользователи и роли» "
                "(фильтр «Без ролей»), роль можно выдать снова."
            )
            % {"role": Role(role).label},
        ],
        button=_("Да, снять роль"),
        back=reverse("accounts:users", args=[school.pk]) + "?" + urlencode({"q": user.username}),
    )


@school_view(Perm.MANAGE_LOCKOUTS)
def lockouts_page(request):
    """Logins locked after failed attempts and throttled addresses; the administrator lifts them."""
    ctx = request.school_ctx
    if request.method == "POST":
        removed = lockouts.lockout_lift(
            acting_user=request.user,
            school=ctx.school,
            username=request.POST.get("username", "")[:150],
            ip_address=request.POST.get("ip_address", "")[:45],
        )
        if removed:
            messages.success(request, _("Блокировка снята."))
        else:
            messages.info(request, _("Блокировки уже нет."))
        return redirect("accounts:lockouts", school_id=ctx.school.pk)
    locked, addresses = lockouts.lockouts_of_school(school=ctx.school, now=clock.now())
    return render(
        request,
        "accounts/lockouts.html",
        {
            "locked": locked,
            "addresses": addresses,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.LOGIN_FAILURES_PER_ADDRESS,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
