// Expected SVG of ChartGoldenTests.chart. Generated with LAYOFFREPORT_UPDATE_GOLDEN=1;
// review the rendered chart before committing a change to this file.
let goldenMonthlyBarsSVG = ##"""
<svg xmlns="http://www.w3.org/2000/svg" width="480" height="300" viewBox="0 0 480 300" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img" aria-label="Layoffs &amp; &lt;cuts&gt; by month">
<title>Layoffs &amp; &lt;cuts&gt; by month</title>
<desc>Golden-file example</desc>
<defs><clipPath id="plot-4952d633"><rect x="63.3" y="99" width="381.7" height="95"/></clipPath></defs>
<rect x="0" y="0" width="480" height="300" fill="#ffffff"/>
<text x="20" y="38" font-size="20" fill="#1a1a1a" font-weight="bold">Layoffs &amp; &lt;cuts&gt; by month</text>
<text x="20" y="60" font-size="14" fill="#555555">Golden-file example</text>
<g class="y-axis">
<text x="56.3" y="197.2" font-size="12" fill="#555555" text-anchor="end">0</text>
<line x1="64.3" y1="146.5" x2="444" y2="146.5" stroke="#dddddd" stroke-width="1"/>
<text x="56.3" y="150.7" font-size="12" fill="#555555" text-anchor="end">2,000</text>
<line x1="64.3" y1="100" x2="444" y2="100" stroke="#dddddd" stroke-width="1"/>
<text x="56.3" y="104.2" font-size="12" fill="#555555" text-anchor="end">4,000</text>
<text x="20" y="84" font-size="13" fill="#1a1a1a">Employees cut (people)</text>
</g>
<g class="x-axis">
<line x1="64.3" y1="193" x2="64.3" y2="198" stroke="#333333" stroke-width="1"/>
<text x="111.8" y="213" font-size="12" fill="#555555" text-anchor="middle">Nov</text>
<text x="111.8" y="228" font-size="12" fill="#1a1a1a" text-anchor="middle" font-weight="bold">2024</text>
<line x1="159.2" y1="193" x2="159.2" y2="198" stroke="#333333" stroke-width="1"/>
<text x="208.3" y="213" font-size="12" fill="#555555" text-anchor="middle">Dec</text>
<line x1="257.3" y1="193" x2="257.3" y2="198" stroke="#333333" stroke-width="1"/>
<text x="306.4" y="213" font-size="12" fill="#555555" text-anchor="middle">Jan</text>
<text x="306.4" y="228" font-size="12" fill="#1a1a1a" text-anchor="middle" font-weight="bold">2025</text>
<line x1="355.4" y1="193" x2="355.4" y2="198" stroke="#333333" stroke-width="1"/>
<text x="399.7" y="213" font-size="12" fill="#555555" text-anchor="middle">Feb</text>
</g>
<g class="bars" data-series="2024–25" clip-path="url(#plot-4952d633)">
<rect x="77.6" y="165.1" width="68.3" height="27.9" fill="#0072B2"/>
<rect x="271.1" y="114" width="70.6" height="79.1" fill="#0072B2"/>
<rect x="367.8" y="129.1" width="63.8" height="63.9" fill="#0072B2"/>
</g>
<g class="line" data-series="Year before" clip-path="url(#plot-4952d633)">
<path d="M111.8 172.1 L208.3 158.1" fill="none" stroke="#D55E00" stroke-width="2.25" stroke-linejoin="round" stroke-linecap="round"/>
<circle cx="111.8" cy="172.1" r="3.5" fill="#D55E00" stroke="#ffffff" stroke-width="1"/>
<circle cx="208.3" cy="158.1" r="3.5" fill="#D55E00" stroke="#ffffff" stroke-width="1"/>
<circle cx="399.7" cy="120.9" r="3.5" fill="#D55E00" stroke="#ffffff" stroke-width="1"/>
</g>
<line x1="64.3" y1="193" x2="444" y2="193" stroke="#333333" stroke-width="1.3"/>
<g class="legend">
<rect x="64.3" y="248" width="14" height="12" fill="#0072B2"/>
<text x="90.3" y="258.6" font-size="13" fill="#1a1a1a">2024–25</text>
<line x1="165.3" y1="254" x2="185.3" y2="254" stroke="#D55E00" stroke-width="2.3"/>
<circle cx="175.3" cy="254" r="3.5" fill="#D55E00" stroke="#ffffff" stroke-width="1"/>
<text x="193.3" y="258.6" font-size="13" fill="#1a1a1a">Year before</text>
</g>
<text x="20" y="286" font-size="11" fill="#555555">Source: test fixture.</text>
</svg>

"""##
