package recommend_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/tailorkit/tailor/recommend"
)

// Three shoppers' events: a host turns its event rows into Interactions one to one.
func shop() []recommend.Interaction {
	ev := func(user, item, kind, cat string) recommend.Interaction {
		return recommend.Interaction{User: user, Item: item, Kind: kind, Category: cat}
	}
	return []recommend.Interaction{
		ev("ann", "tent", "purchase", "camping"), ev("ann", "stove", "purchase", "camping"), ev("ann", "mug", "view", "kitchen"),
		ev("bob", "tent", "purchase", "camping"), ev("bob", "stove", "add_to_cart", "camping"), ev("bob", "lamp", "purchase", "camping"),
		ev("cy", "tent", "view", "camping"), ev("cy", "lamp", "purchase", "camping"), ev("cy", "mug", "purchase", "kitchen"),
		ev("cy", "mug", "return", "kitchen"), // a return cancels the purchase
	}
}

func Example() {
	m, err := recommend.FitSlice(context.Background(), shop(), recommend.Config{})
	if err != nil {
		panic(err)
	}
	// ann has tent (purchase: 5), stove (5) and mug (view: 1); lamp is the only item she has
	// not seen. With the default asymmetric cosine (Alpha 0.1, Shrink 2, pull), lamp (2 users)
	// scores 5 * 2/(2^0.1 * 3^0.9 + 2) + 5 * 1/(2^0.1 * 2^0.9 + 2) = 2.049 + 1.25 = 3.299,
	// most of it because of the tent.
	for _, r := range m.ForUser("ann", 2, recommend.ExcludeSeen(), recommend.Explain(1)) {
		fmt.Printf("%s %.3f %s because %v\n", r.Item, r.Score, r.Source, r.Because)
	}
	// Output:
	// lamp 3.299 neighbors because [tent]
}

// tent has 3 users; lamp and stove 2 each, both shared twice with tent: 2/sqrt(6) = 0.816;
// mug has 1 user (cy's purchase was returned), shared once: 1/sqrt(3) = 0.577.
func ExampleModel_SimilarItems() {
	m, _ := recommend.FitSlice(context.Background(), shop(), recommend.Config{Similarity: recommend.Cosine})
	for _, r := range m.SimilarItems("tent", 3) {
		fmt.Printf("%s %.3f %s\n", r.Item, r.Score, r.Source)
	}
	// Output:
	// lamp 0.816 neighbors
	// stove 0.816 neighbors
	// mug 0.577 neighbors
}

func ExampleModel_ForBasket() {
	m, _ := recommend.FitSlice(context.Background(), shop(), recommend.Config{Similarity: recommend.Cosine})
	inStock := func(item string) bool { return item != "lamp" }
	for _, r := range m.ForBasket([]string{"tent"}, 2, recommend.Allow(inStock)) {
		fmt.Println(r.Item, r.Source)
	}
	// Output:
	// stove neighbors
	// mug neighbors
}

// A new visitor gets the popular items, flagged as such.
func ExampleModel_ForUser_unknown() {
	m, _ := recommend.FitSlice(context.Background(), shop(), recommend.Config{})
	for _, r := range m.ForUser("someone-new", 2) {
		fmt.Println(r.Item, r.Source)
	}
	// Output:
	// tent popularity
	// lamp popularity
}

// Forget erases a customer: the model then equals one never trained on them.
func ExampleModel_Forget() {
	m, _ := recommend.FitSlice(context.Background(), shop(), recommend.Config{Similarity: recommend.Cosine})
	// Without bob, tent has 2 users (ann, cy) and shares one with each of stove, mug and lamp,
	// each of which has one user: cosine 1/sqrt(2) for all three, ties broken by ID. Bob had
	// three items (tent, stove, lamp), so three affinities go.
	fmt.Println(m.Forget("bob"))
	fmt.Println(m.ItemUsers("tent"), m.Neighbors("tent"))
	fmt.Println(m.Forget("bob"))
	// Output:
	// bob: removed 3 affinities
	// 2 [{lamp 0.7071067811865475} {mug 0.7071067811865475} {stove 0.7071067811865475}]
	// bob: nothing held
}

func ExampleLoad() {
	m, _ := recommend.FitSlice(context.Background(), shop(), recommend.Config{})
	var file bytes.Buffer
	if err := m.Save(&file); err != nil {
		panic(err)
	}
	loaded, err := recommend.Load(&file)
	fmt.Println(err, loaded.NumUsers(), loaded.NumItems())
	// Output:
	// <nil> 3 4
}

func ExampleReadTSV() {
	in := "196\t242\t3\t881250949\n186\t302\tx\t891717742\n"
	for it, err := range recommend.ReadTSV(strings.NewReader(in)) {
		if err != nil {
			fmt.Println("skip:", err)
			continue
		}
		fmt.Println(it.User, it.Item, it.Weight, it.Time.Unix())
	}
	// Output:
	// 196 242 3 881250949
	// skip: line 2: field "weight" = "x": not a finite number
}
