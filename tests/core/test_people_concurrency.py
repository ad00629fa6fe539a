"""An employee's termination is a transition: concurrent PATCHes terminate once."""
from hrbpo.testing_concurrency import at_once


def test_concurrent_terminations_terminate_once(live_server, tenant_a):
    url = tenant_a.url(f"/employees/{tenant_a.employee_id}")

    def terminate(day):
        return lambda: live_server.request("PATCH", url, token=tenant_a.hr.token,
                                           json={"termination_date": f"2026-03-{day:02d}"})

    responses = at_once(*(terminate(day) for day in (10, 11, 12)))
    assert [r.status for r in responses] == [200] * 3
    events = tenant_a.hr.get(tenant_a.url("/audit?action=employee.terminate")).get_json()
    assert events["total"] == 1
    # The later PATCHes saw the termination and only moved its date.
    assert tenant_a.hr.get(tenant_a.url("/audit?action=employee.update")).get_json()["total"] == 2
