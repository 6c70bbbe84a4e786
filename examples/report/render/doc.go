// Package render draws tailor's results as one self-contained HTML page: inline SVG charts
// made with gonum/plot, inline CSS, and nothing that loads from anywhere else (no script,
// font, image or link off the page), so the file opens offline and can be mailed or archived.
//
// It has two steps, so that a program with a file and a server with live data share one
// renderer:
//
//   - Build runs the library on raw shop data (orders, events, experiment aggregates, the
//     experiment's units in time) and returns an Input: cohorts (segment.Activity.Cohorts),
//     RFM (segment.FitRFM), k-means on customer features with their principal components
//     (segment.FitKMeans, gonum's stat.PC), KPIs per channel and the funnel (metrics),
//     BG/NBD and Gamma-Gamma predictions (profile/clv), the experiment readout and its
//     always-valid path (abtest.Analyze, abtest.ConfidenceSequence) and item-kNN against the
//     popularity baseline on a held-out split (recommend, recommend/eval). A host that holds
//     these results already fills Input itself.
//   - Write draws every chart Input has results for. Each chart is a <figure id="..."> with a
//     title, axis labels with units, a caption saying what it shows and from how much data,
//     an SVG with <title> and <desc>, and a table of the numbers it draws (the text
//     alternative). Colours are the Okabe-Ito palette and viridis, readable with every common
//     colour-vision deficiency; series differ by shape or dash as well as colour.
//
// A section whose data is missing (no events, no experiment, no item IDs, a fit that does not
// converge) is left out and listed at the end of the page with the reason. Build and Write
// are safe for concurrent use on different inputs; an Input is read, never changed, by Write.
package render
