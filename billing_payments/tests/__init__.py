from . import test_models
from . import test_views
from . import test_auth
from . import test_waldur_payment_profiles
from . import test_dialect_common
