from django.urls import path

from apps.orders import views

app_name = "orders"

S = "s/<int:school_id>/"
urlpatterns = [
    path(f"{S}orders/", views.register, name="register"),
    path(f"{S}orders/new/", views.create, name="create"),
    path(f"{S}orders/numbering/", views.numbering, name="numbering"),
    path(f"{S}orders/movement/", views.movement, name="movement"),
    path(f"{S}orders/movement.xlsx", views.movement_xlsx, name="movement-xlsx"),
    path(f"{S}orders/movement.pdf", views.movement_pdf, name="movement-pdf"),
    path(f"{S}orders/<int:pk>/", views.detail, name="detail"),
    path(f"{S}orders/<int:pk>/edit/", views.edit, name="edit"),
    path(f"{S}orders/<int:pk>/items/add/", views.item_add, name="item-add"),
    path(f"{S}orders/<int:pk>/items/<int:item_id>/remove/", views.item_remove, name="item-remove"),
    path(f"{S}orders/<int:pk>/sign/", views.sign, name="sign"),
    path(f"{S}orders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path(f"{S}orders/<int:pk>/delete/", views.delete, name="delete"),
    path(f"{S}orders/<int:pk>/pdf/", views.pdf, name="pdf"),
    path(f"{S}documents/<int:pk>/file/", views.document_file, name="document-file"),
    path(f"{S}rollover/", views.rollover_page, name="rollover"),
]
