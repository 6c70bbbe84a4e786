// Package session recommends the next items of a session in progress, for the shop's
// anonymous visitors: a cookie, five product views, no login. It indexes recent finished
// sessions and scores items by the sessions most like the current one, the nearest-neighbour
// family that beat recurrent and graph networks on e-commerce logs in the largest comparison
// of session-based recommenders.
//
// # Input
//
// Fit takes Events (session, visitor, item, time) as an iter.Seq; ReadTSV reads session-rec's
// session<TAB>item<TAB>unix_seconds files. Events are grouped by Session or, where the tracker
// records none, by Visitor split at pauses over Config.Gap (30 minutes). Each session's events
// are put in time order. A query is the session in progress, its Clicks oldest first; it need
// not be registered. Strings are interned to dense integers inside.
//
// # Methods
//
// All methods but SR compare the current session with the Config.SampleSize most recent
// indexed sessions that share an item with it (recency = the order sessions joined the index:
// by latest event at Fit, then as added), keep the Config.Neighbors most similar and let them
// vote for their items. They follow session-rec (rn5l/session-rec) with its default options,
// and match the shared reference implementation of it list for list (TestMatchesReference):
//
//   - SKNN (Jannach & Ludewig, "When recurrent neural networks meet the neighborhood for
//     session-based recommendation", RecSys 2017): sets of items, cosine or Jaccard
//     similarity; an item scores the summed similarity of the neighbours holding it.
//   - VSKNN (Ludewig & Jannach, "Evaluation of session-based recommendation algorithms",
//     UMUAI 2018): the similarity sums a position weight (Config.PositionWeight) of each
//     shared item in the current session, divided by its distinct items; a neighbour's vote
//     decays with the distance from the end of the current session to the latest shared item
//     (Config.DistanceWeight) and is multiplied by 1 + IDFWeight * idf(item), idf(i) =
//     ln(sessions / events of i).
//   - STAN (Garg, Gupta, Malhotra, Vig, Shroff, "Sequence and time aware neighborhood for
//     session-based recommendations: STAN", SIGIR 2019): cosine similarity with the current
//     session's items weighted exp((i-n)/spw) by position, times exp(-dt/snh) for a neighbour
//     that ended dt before the query; a neighbour's item at distance d from the neighbour's
//     last shared item votes sim * exp(-d/inh).
//   - VSTAN (Ludewig, Latifi, Jannach et al., "Empirical analysis of session-based
//     recommendation algorithms", UMUAI 2021): STAN with each vote times 1 + IDFWeight *
//     idf(item) and times exp((i-n)/ipw), i the latest position in the current session of an
//     item the neighbour shares.
//   - SR (sequential rules, Ludewig & Jannach 2018): each indexed event after the query's last
//     item within Config.Steps events votes RuleWeight(distance) for its item. The cheap
//     baseline; computed at query time from the index, so Add and Forget keep it exact.
//
// Where the reference differs, for good reasons: scores are divided by the list's best;
// session-rec's "cosine" of SKNN multiplies by sqrt|current| instead of dividing (a factor
// common to the whole list, so the same ranking); STAN's time decay is taken from the newest
// of the query time and the candidates (a common factor again: it keeps exp from underflowing
// when a query comes long after the index); SR keeps every rule, not the best 20 per item;
// equal scores are ordered by popularity, then item ID, where the reference keeps numpy's
// order; and lists that are short are filled with popular items (Rec.Source says so).
//
// # Queries
//
// Recommend merges the postings (item -> indexed sessions, newest first) of the query's items
// to collect the sample with the shared items' weights in one pass, scores the candidates, picks
// the k nearest by quickselect and accumulates votes in a pooled dense scratch: no maps on the
// hot path, and the result is the only allocation. An unknown item is skipped; a session with no
// known item, an empty one, or one whose neighbours score fewer than k items is filled with the
// most popular items of the index, flagged FromPopularity (Config.NoFallback turns this off).
// Only the latest Config.MaxLength (200) clicks of a query, and of an indexed session, count,
// so a runaway session of 10,000 events costs what 200 cost.
//
// # Live updates and erasure
//
// Add indexes a finished session at once; the oldest sessions age out beyond
// Config.MaxSessions (1,000,000), so memory stays bounded: about 40 bytes of heap per indexed
// event with sessions of 6.5 events (1M sessions, 6.5M events, 100k items: 256 MB), of which
// 12 per event are the event and the posting entry and the rest per session and per item. Forget(visitor) removes a visitor's
// sessions; the model then answers every query exactly as a Fit of the held sessions without
// them (tested bit for bit), and neither the visitor's ID nor an item only they viewed remains.
// Recommend, Add, Forget, Stats and Popularity are safe for concurrent use: queries share a
// read lock and a writer holds it for one session (Add) or one visitor (Forget).
//
// # Speed
//
// On the full Diginetica set (906,140 training events, 60,858 next-item queries), the whole
// sessionrec run with session-rec's VSTAN parameters, reading the files, indexing, predicting
// and writing 1.2M rows, took 6.8 s of CPU (29 s wall, the 2-core machine shared at a load of
// about 15) where the reference took 309 s of CPU (1250 s wall) beside it: 45 times faster,
// and the lists agree (60,566 of 60,858 identical, the same hits). BENCHMARKS.md has every
// method.
// With 1M synthetic sessions indexed (6.5M events, 100k items of Zipf popularity), a default
// query takes 0.35 ms of CPU at the median and 1.2 ms at p99 (BenchmarkRecommend1M, which also
// reports wall time), and Add takes about 13 us (BenchmarkAdd1M, with aging on every Add).
//
// # Defaults
//
// The zero Config is VSTAN with k 500, sample 2500, spw 4.9, snh 80 days, inh 4.9, ipw 1.225
// and IDF weight 10; the other methods default to session-rec's published Diginetica
// parameters (conf/save/diginetica/window). They were chosen as the issue asks, on the shared
// dev sample and cross-checked on the full Diginetica set, without tuning to either alone.
// Starting from the published VSTAN parameters (k 1500, sample 5000, snh 40 days), a grid of
// 1,500 settings of spw, snh, inh, ipw and IDF weight on the dev sample (102 events, where
// every kNN method hits the same targets and only MRR@20 separates them) favoured a short
// inh (0.45) and a long snh (80-160 days); on the full set the short inh lost a point of
// HR@20 (0.506-0.509 against 0.518), so it was left out, and the longer snh, which both sets
// favour, was kept: 80 days moves the full set from HR@20 0.5183 / MRR@20 0.1860 (the
// published parameters, equal to the reference) to 0.5277 / 0.1881, and 160 days changed
// little more (0.5278 / 0.1884). Cutting k to 500 and the sample to 2500 changed nothing there
// (0.5278 / 0.1881) and costs a third of the work. The full set's times are synthetic (65 s
// between sessions): snh there measures recency in sessions, not days. The graph networks on
// the same data reach 0.5073 / 0.1759 (SR-GNN) and 0.5422 / 0.1904 (GCE-GNN).
package session
