"""The preview page's stylesheet: system fonts only, one look per network (from its ``Theme``)."""

from bot.networks.base import Theme

# System fonts only (the page must work offline); the Arabic-script faces come before the
# generic ones so Persian and Arabic never fall back to boxes.
FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", '
    'Vazirmatn, "Noto Naskh Arabic", Tahoma, "DejaVu Sans", "Noto Color Emoji", sans-serif'
)

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#eef0f3;color:#1f2328;font:15px/1.45 FONTS}
.statement{padding:20px 24px 32px;border-bottom:3px solid #cfd4da}
.banner{margin:0 0 16px;padding:12px 16px;border-radius:10px;font-weight:600}
.banner.ok{background:#dff5e6;color:#0f5132;border:1px solid #a3d9b5}
.banner.bad{background:#fff1d6;color:#663c00;border:2px solid #f0a020}
.banner.error{background:#ffe3e3;color:#7a0010;border:2px solid #f4212e;margin:20px 24px 0}
.banner h2{margin:0 0 6px;font-size:17px}
.banner ul{margin:0;padding-inline-start:22px;font-weight:500}
.banner .who{font-weight:700}
header.details h1{margin:0 0 8px;font-size:24px;line-height:1.25}
header.details dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;margin:0 0 18px;
  font-size:14px;max-width:1100px}
header.details dt{color:#59636e;font-weight:600}
header.details dd{margin:0;overflow-wrap:anywhere}
header.details ul{margin:0;padding:0;list-style:none}
.columns{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(340px,600px);gap:20px;
  overflow-x:auto;align-items:start;padding-bottom:6px}
.column{border-radius:16px;overflow:hidden;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.column>h2{margin:0;padding:10px 16px;font-size:16px;color:#fff;display:flex;flex-direction:column}
.column>h2 .sub{font-size:13px;font-weight:500;opacity:.85}
.cards{list-style:none;margin:0;padding:0}
.card{display:grid;grid-template-columns:auto minmax(0,1fr);gap:0 12px;padding:12px 16px}
.avatar{width:42px;height:42px;border-radius:50%;display:flex;align-items:center;
  justify-content:center;font-weight:700;color:#fff;font-size:17px;position:relative}
.card:not(:last-child) .avatar::after{content:"";position:absolute;top:46px;left:19px;width:2px;
  height:600px;background:inherit;opacity:.35}
.side{overflow:hidden}
.body{min-width:0}
.head{display:flex;flex-wrap:wrap;gap:0 6px;align-items:baseline}
.name{font-weight:700}
.meta{opacity:.75}
.num{margin-inline-start:auto;font-size:13px;font-weight:700;padding:0 8px;border-radius:9px}
.text{margin:4px 0 8px;white-space:pre-wrap;overflow-wrap:anywhere;text-align:start}
.ent{text-decoration:none}
a.ent:hover{text-decoration:underline}
.cards .ent.email{color:inherit;text-decoration:underline dotted}
.foot{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;font-size:13px}
.meter{display:flex;align-items:center;gap:8px;flex:1 1 160px}
.bar{flex:1;height:5px;border-radius:3px;background:rgba(128,128,128,.25);overflow:hidden;min-width:60px}
.fill{display:block;height:100%;border-radius:3px}
.count{font-variant-numeric:tabular-nums;font-weight:600;white-space:nowrap}
.m-ok .fill{background:#00ba7c}.m-high .fill{background:#e6b400}
.m-near .fill{background:#ff7a00}.m-over .fill{background:#f4212e}
.m-near .count{color:#c25e00}.m-over .count{color:#f4212e}
.card.over{outline:3px solid #f4212e;outline-offset:-3px}
.status{white-space:nowrap}
.status.pending{opacity:.7;font-style:italic}
.status.live{font-weight:700}
[dir=rtl] .card:not(:last-child) .avatar::after{left:auto;right:19px}
.media{margin:0 0 8px;border:1px solid rgba(128,128,128,.35);border-radius:12px;overflow:hidden}
.media img{display:block;width:100%;height:auto}
.media figcaption{display:flex;flex-direction:column;gap:2px;padding:6px 10px;font-size:13px}
.media .facts{opacity:.7;overflow-wrap:anywhere}

""".replace("FONTS", FONTS)


def network_css(platform: str, theme: Theme) -> str:
    """The rules giving one network's column its look."""
    net = f".net-{platform}"
    square = (
        (
            f"{net} .avatar{{border-radius:8px;width:46px;height:46px}}\n"
            f"{net} .card:not(:last-child) .avatar::after{{display:none}}\n"
        )
        if theme.square_avatars
        else ""
    )
    return (
        f"{net}>h2{{background:{theme.header}}}\n"
        f"{net} .cards{{background:{theme.background};color:{theme.text}}}\n"
        f"{net} .card+.card{{border-top:1px solid {theme.rule}}}\n"
        f"{net} .avatar{{background:{theme.avatar}}}\n{square}"
        f"{net} .meta{{color:{theme.meta};opacity:1}}\n"
        f"{net} .num{{background:{theme.rule};color:{theme.number}}}\n"
        f"{net} .ent{{color:{theme.link}}}\n"
        f"{net} .status.live a{{color:{theme.link}}}\n"
    )
