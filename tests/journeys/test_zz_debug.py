def test_debug(people):
    p = people("samordnare", phone=True)
    p.log_in("samordnare")
    page = p.page
    page.goto("/review/")
    print(page.evaluate("""() => [...document.querySelectorAll('.navgroup')].map(d => d.open + ' ' + JSON.stringify(d.querySelector('.navgroup-items a').getBoundingClientRect()) + getComputedStyle(d.querySelector('.navgroup-items')).display)"""))
    p.shot("zz-review")
