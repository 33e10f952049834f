"""PDF of the certificate's marks sheet (weasyprint, A4)."""

from django.conf import settings
from django.template.loader import render_to_string


def certificate_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("exams/pdf_certificate.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
