"""Personal fields and how they are shown to anyone who has not revealed them.

Full ID numbers, bank accounts and phones of registered people leave the platform only
through a logged reveal (domain rule: every look at personal data leaves a trace).
Everywhere else they are masked by these functions: on pages, in the API, in exports
made by a user without the right to reveal.
"""

from tuopin.registry.idnumbers import mask_id_number


def mask_bank_account(account: str) -> str:
    """Only the last four digits, as banks print them: enough to tell two accounts apart."""
    if not account:
        return account
    if len(account) <= 4:
        return "*" * len(account)
    return "*" * (len(account) - 4) + account[-4:]


def mask_phone(phone: str) -> str:
    """The first three and last four digits of a mobile number; shorter numbers show only
    their last two."""
    if not phone:
        return phone
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 2) + phone[-2:]


def mask_name(name: str) -> str:
    """王小明 → 王*明: a public notice's name; the neighbours know who is meant."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# Field name -> its mask, for every personal field of the registry's people.
MASKS = {
    "id_number": mask_id_number,
    "bank_account": mask_bank_account,
    "phone": mask_phone,
}
