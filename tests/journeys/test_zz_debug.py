def test_debug(people):
    for dark in (False, True):
        p = people("samordnare", phone=False, dark=dark)
        p.log_in("samordnare")
        page = p.page
        for w in (360, 1366):
            page.set_viewport_size({"width": w, "height": 900})
            p.shot(f"zz-start-{w}-{'dark' if dark else 'light'}")
