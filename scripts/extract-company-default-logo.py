#!/usr/bin/env python3
"""Extract the images Odoo 18 derives from its default company logo with PIL, and iap's list of
mail providers (partner_autocomplete does not enrich a company from such an email domain).

res.company's `logo` defaults to base/static/img/res_company_logo.png and is related to the
company partner's `image_1920` (image.mixin: image_1920 plus image_1024/512/256/128 resized by
`odoo.tools.image.image_process`); `logo_web` is the logo resized to 180 px wide. Ficus cannot run
PIL, so the bytes are computed here once, with Odoo's own function, into
odoo-bridge/orm/write/company/default-logo.generated.json.

Regenerate:  /usr/bin/python3 scripts/extract-company-default-logo.py /work/odoo-src
"""
import base64
import json
import os
import sys

odoo_src = sys.argv[1] if len(sys.argv) > 1 else '/work/odoo-src'
sys.path.insert(0, odoo_src)
from odoo.tools.image import image_process  # noqa: E402

with open(os.path.join(odoo_src, 'odoo/addons/base/static/img/res_company_logo.png'), 'rb') as f:
    original = f.read()

out = {
    'source': 'odoo/addons/base/static/img/res_company_logo.png',
    # image.mixin: image_1920 is stored after image_process(verify_resolution, 1920x1920); the others are related resized copies.
    'image_1920': base64.b64encode(image_process(original, size=(1920, 1920), verify_resolution=True)).decode(),
    'image_1024': base64.b64encode(image_process(original, size=(1024, 1024))).decode(),
    'image_512': base64.b64encode(image_process(original, size=(512, 512))).decode(),
    'image_256': base64.b64encode(image_process(original, size=(256, 256))).decode(),
    'image_128': base64.b64encode(image_process(original, size=(128, 128))).decode(),
    # res.company._compute_logo_web: image_process(partner.image_1920, size=(180, 0)), stored base64 in the column.
    'logo_web': base64.b64encode(image_process(original, size=(180, 0))).decode(),
    # res.company._get_logo (the default) as the ORM hands it around: base64 of the file.
    'logo': base64.b64encode(original).decode(),
}
target = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'odoo-bridge/orm/write/company/default-logo.generated.json')
with open(target, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print(target, {k: len(base64.b64decode(v)) for k, v in out.items() if k != 'source'})

# addons/iap/tools/iap_tools.py `_MAIL_PROVIDERS`, read as data (ast), not imported.
import ast  # noqa: E402
with open(os.path.join(odoo_src, 'addons/iap/tools/iap_tools.py')) as f:
    tree = ast.parse(f.read())
providers = next(ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == '_MAIL_PROVIDERS' for t in node.targets))
providers_target = os.path.join(os.path.dirname(target), 'iap-mail-providers.generated.json')
with open(providers_target, 'w') as f:
    json.dump({'source': 'addons/iap/tools/iap_tools.py _MAIL_PROVIDERS', 'providers': sorted(providers)}, f, indent=0)
    f.write('\n')
print(providers_target, len(providers))
