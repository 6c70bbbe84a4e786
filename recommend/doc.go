// Package recommend is item-based collaborative filtering for a shop: "customers who bought
// this also bought", recommendations for a basket, and personal recommendations from views,
// carts and purchases, with exact forgetting of a user.
//
// # Input
//
// A model learns from Interactions (user, item, event kind or weight, time), streamed as an
// iter.Seq or given as a slice; ReadTSV reads the user<TAB>item<TAB>weight<TAB>unix_seconds
// files MovieLens' u.data uses. Event kinds are weighed by Config.KindWeights (views 1, carts 3,
// purchases 5, returns -5, ...); a user's affinity to an item is the sum of the weights,
// optionally decayed with a half-life (Config.HalfLife), and clipped at zero so that a return
// cancels a purchase without making the item disliked. Config.ByQuantity multiplies each
// weight by the interaction's |Quantity|. An interaction that weighs 0 (a kind the weights do
// not list, such as a mis-cased "Purchase", or a zero weight) adds nothing; FitWithReport says
// how many were ignored, by kind (FitReport). Strings are interned to dense integers inside;
// nothing of the host's types leaks in.
//
// # Models
//
// ItemKNN (the default) keeps, for each item, its Config.Neighbors most similar items under a
// Similarity: Cosine, AsymmetricCosine, Jaccard, Lift, ConditionalProbability, Cooccurrence,
// LogLikelihood (Mahout) or RP3Beta (Paudel et al. 2017), optionally with users re-weighted by
// TFIDF or BM25, a Shrink term and a MinSupport. Each similarity's formula is in its doc.
// The fit runs on every core, one item row at a time with a dense accumulator per worker and a
// heap of the best Neighbors, so memory grows with the kept neighbours, never with the full
// item x item co-occurrence matrix. On a MovieLens-20M-shaped input (16M interactions, 138k
// users, 27k items) a fit takes about 7 s on 2 cores with a 0.6 GB peak heap (BENCHMARKS.md).
//
// EASE (Steck 2019) learns dense item-item weights by closed-form ridge regression; it is the
// most accurate item-based model on small catalogs and costs O(n^3) time and 8*n^2 bytes for n
// items, so catalogs above Config.EASEMaxItems are refused.
//
// Both answer the same queries: ForUser (the kept history), ForHistory (a history the caller
// holds), ForBasket and SimilarItems, with the Options ExcludeSeen, IncludeSeen, Exclude,
// Allow, MaxPerCategory, PopularIn, NoFallback and Explain; Popular(n, category) lists the most
// popular items (by number of users, ties by item ID) overall or in a category. An unknown user
// or item, or too few neighbours, falls back to popularity (in a category, then overall), and
// every Rec says where it came from. The fallback for a known user never offers an item the
// user already has unless IncludeSeen is given. Queries are safe for concurrent use and allocate only their result.
//
// # Defaults
//
// The zero Config is AsymmetricCosine with Alpha 0.1, Shrink 2, 100 neighbours and Pull
// scoring. On per-user 75/25 random splits (NDCG@10, seen items removed, binary feedback) of
// the synthetic shop's MovieLens-100k-, 1M- and Small-shaped data, the UCI Online Retail
// non-UK customers and the Groceries baskets it came within 2-8% of the best of about 90
// settings on every data set, while the best setting for one data set lost up to 21% on
// another. Pull scoring beat Push by 20-60% for the cosine family; the reference scripts'
// settings are reproduced to the fourth decimal (the table is in BENCHMARKS.md).
//
// # Updates, erasure and persistence
//
// Add folds new interactions in without a refit (see its doc for which lists it recomputes and
// where it approximates). Merge combines models fitted on shards of the users into the model a
// joint fit would give, so fits can run per shard. Forget (ForgetAll for many) removes users
// exactly: the model then equals one fitted without them, which property tests check bit for
// bit for every similarity, and Save writes the very bytes such a fit writes (with the same
// Config.Now): no ID, item or category only they brought, and no trace of how many were
// erased, stays. Queries go on while an erasure computes. Save and Load use a versioned binary
// format with a checksum; a damaged file is an error wrapping ErrFormat, never a panic.
//
// # Evaluation
//
// Package recommend/eval has the splitters (per-user stratified, leave-last-out, time cutoff)
// and the ranking metrics (precision, recall, NDCG, MAP, hit rate, coverage at k) with
// Microsoft Recommenders' definitions.
package recommend
