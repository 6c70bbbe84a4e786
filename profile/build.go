package profile

import (
	"context"
	"fmt"
	"iter"
)

type progress struct {
	ctx  context.Context
	fn   func(done, total int)
	done int
}

func newProgress(ctx context.Context, fn func(done, total int)) *progress {
	return &progress{ctx: ctx, fn: fn}
}

// step counts a record, checks ctx every 4096 records and reports every 65536.
func (p *progress) step() error {
	p.done++
	if p.done&4095 == 0 {
		if err := p.ctx.Err(); err != nil {
			return fmt.Errorf("profile: build: %w", err)
		}
		if p.fn != nil && p.done&65535 == 0 {
			p.fn(p.done, 0)
		}
	}
	return nil
}

// Build builds profiles from a stream of orders and a stream of events (either may be nil) in
// one pass. A config that fails Validate is an error wrapping ErrConfig. A record that fails
// Validate stops the build with an error naming it, unless cfg.SkipInvalid is set (then it is
// counted in Report.Invalid). Guest orders and records dated after cfg.Now are skipped and
// counted. Build checks ctx every 4096 records (a cancelled build returns an error wrapping ctx.Err())
// and reports progress to cfg.Progress. The snapshot at the end uses every core; to accumulate on several
// cores, feed one Builder per shard and Merge them (routing records by customer through
// channels cost more than they saved when measured; see BENCHMARKS.md).
func Build(ctx context.Context, orders iter.Seq[Order], events iter.Seq[Event], cfg Config) (*Profiles, error) {
	b, err := NewBuilder(cfg)
	if err != nil {
		return nil, err
	}
	p := newProgress(ctx, cfg.Progress)
	if orders != nil {
		for o := range orders {
			if err = b.AddOrder(o); err != nil && !b.cfg.SkipInvalid {
				return nil, err
			}
			if err = p.step(); err != nil {
				return nil, err
			}
		}
	}
	if events != nil {
		for e := range events {
			if err = b.AddEvent(e); err != nil && !b.cfg.SkipInvalid {
				return nil, err
			}
			if err = p.step(); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("profile: build: %w", err)
	}
	return b.Profiles(), nil
}
