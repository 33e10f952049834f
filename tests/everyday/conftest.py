# The diary's world (a class, its lessons, two families) serves these tests too.
from tests.diary.conftest import dw  # noqa: F401
