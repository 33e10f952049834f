from django.urls import path

from apps.exams import views

app_name = "exams"
S = "s/<int:school_id>/gia/"
C = f"{S}candidate/<int:candidate_id>/"

urlpatterns = [
    path(S, views.index, name="index"),
    path(f"{S}register/", views.register, name="register"),
    path(C, views.candidate, name="candidate"),
    path(f"{C}choose/", views.choose, name="choose"),
    path(f"{C}exam/<int:exam_id>/drop/", views.drop, name="drop"),
    path(f"{C}exam/<int:exam_id>/result/", views.result, name="result"),
    path(f"{C}certificate/", views.certificate, name="certificate"),
    path(f"{S}scales/", views.scales, name="scales"),
    path(f"{S}audit/", views.audit, name="audit"),
]
