from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    enterprise_id: int | None
    scope_division: str
    is_service_officer: bool


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request):
    return request.user
