"""Our script under the CSP: data-chart canvases become Chart.js charts
(mirrored for right-to-left pages), htmx requests carry the CSRF token, and
forms with data-confirm ask first."""

CHART = ('{"type": "bar", "data": {"labels": ["Applied", "Interview", "Offer"], '
         '"datasets": [{"label": "Candidates", "data": [12, 5, 2]}]}}')


def _add_chart(page):
    """Put a data-chart canvas into the page the way an htmx swap would."""
    page.evaluate("""chart => {
        const box = document.createElement('div');
        box.className = 'chart';
        box.innerHTML = '<canvas role="img" aria-label="Pipeline"></canvas>';
        box.firstChild.setAttribute('data-chart', chart);
        document.querySelector('main').append(box);
        htmx.process(box);
    }""", CHART)
    page.wait_for_function("document.querySelector('canvas[data-chart]').hrbpoChart !== undefined")
    return page.evaluate("""() => {
        const chart = Chart.getChart(document.querySelector('canvas[data-chart]'));
        return {bars: chart.data.datasets[0].data.length, reverse: chart.options.scales.x.reverse === true,
                height: chart.height};
    }""")


def test_data_chart_canvases_become_charts_and_mirror_in_urdu(page, live, browser):
    page.goto(live.url("/login"))
    drawn = _add_chart(page)
    assert drawn["bars"] == 3 and not drawn["reverse"] and drawn["height"] > 100
    context = browser.new_context(locale="ur")
    urdu = context.new_page()
    urdu.goto(live.url("/login"))
    assert _add_chart(urdu)["reverse"]  # categories run from the right
    context.close()


def test_htmx_requests_carry_the_csrf_token(page, live):
    page.goto(live.url("/login"))
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    page.evaluate("""() => {
        const button = document.createElement('button');
        button.id = 'poke';
        button.setAttribute('hx-post', '/healthz');
        button.setAttribute('hx-swap', 'none');
        button.textContent = 'poke';
        document.querySelector('main').append(button);
        htmx.process(button);
    }""")
    with page.expect_request(lambda r: r.url.endswith("/healthz") and r.method == "POST") as request:
        page.click("#poke")
    assert request.value.headers.get("x-csrftoken") == token
    assert request.value.headers.get("hx-request") == "true"


def test_data_confirm_asks_before_a_form_is_sent(page, live):
    page.goto(live.url("/login"))
    page.evaluate("""() => {
        const form = document.createElement('form');
        form.method = 'get';
        form.action = '/healthz';
        form.setAttribute('data-confirm', 'Really?');
        form.innerHTML = '<button id="go">Go</button>';
        document.querySelector('main').append(form);
    }""")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("#go")
    assert questions == ["Really?"] and page.url == live.url("/login")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#go")
    page.wait_for_url(live.url("/healthz") + "*")
