package features

import (
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/shift"
	"github.com/adshift/adshift/schemas"
)

// WithModel makes the stage predict each shopper's interest with m: the shift detector then
// compares the model's predicted next categories instead of the decayed profile, and every
// shift carries the model's version and top predictions. The model is shared by every
// partition; each shopper keeps only a fixed-size interest.State in the profile.
func WithModel(m *interest.Model) Option {
	return func(s *Stage) { s.model = m }
}

// predictor is a partition's use of the stage's interest model: its ranker and the mapping
// between the partition's name ids and the model's category ids. Categories the model does
// not know are numbered from its vocabulary up (Vocabulary() + name id), so a shopper's own
// new categories still rank from their state.
type predictor struct {
	m       *interest.Model
	r       *interest.Ranker
	byName  []uint32 // by name id: model id + 1; 0 not looked up yet
	byModel []uint32 // by model id below the vocabulary: name id + 1; 0 not interned yet
	top     []interest.Ranked
	// The shoppers' interest states, kept here rather than in the profiles, so that a stage
	// without a model pays nothing for them: a slab of fixed-size chunks (it never moves a
	// state) and the slots that expired profiles gave back.
	chunks [][]interest.State
	used   uint32
	free   []uint32
	empty  interest.State // what peek reads for a profile without a state
}

// stateChunk is how many states one chunk of the slab holds.
const stateChunk = 4096

// state returns prof's interest state, giving it an empty one on first use.
func (p *predictor) state(prof *profile) *interest.State {
	if prof.state == 0 {
		var slot uint32
		if n := len(p.free); n > 0 {
			slot, p.free = p.free[n-1], p.free[:n-1]
		} else {
			if p.used == uint32(len(p.chunks))*stateChunk {
				p.chunks = append(p.chunks, make([]interest.State, stateChunk))
			}
			slot = p.used
			p.used++
		}
		prof.state = slot + 1
	}
	return &p.chunks[(prof.state-1)/stateChunk][(prof.state-1)%stateChunk]
}

// peek returns prof's interest state to read: an empty one, not a slot, while it has none.
func (p *predictor) peek(prof *profile) *interest.State {
	if prof.state == 0 {
		p.empty = interest.State{}
		return &p.empty
	}
	return p.state(prof)
}

// release gives prof's state slot back, emptied, when prof goes.
func (p *predictor) release(prof *profile) {
	if p == nil || prof == nil || prof.state == 0 {
		return
	}
	*p.state(prof) = interest.State{}
	p.free = append(p.free, prof.state-1)
	prof.state = 0
}

func newPredictor(m *interest.Model) *predictor {
	return &predictor{m: m, r: m.Ranker(), byModel: make([]uint32, m.Vocabulary())}
}

// modelID returns the model's id of the category interned as name id.
func (p *predictor) modelID(n *names, id uint32) uint32 {
	for int(id) >= len(p.byName) {
		p.byName = append(p.byName, 0)
	}
	if v := p.byName[id]; v != 0 {
		return v - 1
	}
	v, ok := p.m.ID(n.name(id))
	if !ok {
		v = uint32(p.m.Vocabulary()) + id
	}
	p.byName[id] = v + 1
	return v
}

// nameID returns the partition's name id of the model's category id, interning its name.
func (p *predictor) nameID(n *names, id uint32) uint32 {
	vocab := uint32(p.m.Vocabulary())
	if id >= vocab {
		return id - vocab
	}
	if v := p.byModel[id]; v != 0 {
		return v - 1
	}
	v := n.id(p.m.Category(id))
	p.byModel[id] = v + 1
	return v
}

// settleEvents is how many events on one category the model's prediction keeps moving for:
// at each one the shopper's earlier categories lose a factor Decay, so after a few the head of
// the prediction has settled on the category. Past that, another event on it is a Repeat to the
// shift detector, which then ranks nothing unless evidence is gathering: most events of a
// shopper who stays on a category cost no ranking.
const settleEvents = 6

// observe counts an event on the category interned as name id into st, and reports whether it
// is a Repeat: the shopper was already on the category for settleEvents events or more.
func (p *predictor) observe(st *interest.State, n *names, id uint32) (repeat bool) {
	mid := p.modelID(n, id)
	last, ok := st.Last()
	st.Observe(mid, p.m.Decay())
	_, _, count := st.Entry(0)
	return ok && last == mid && count > settleEvents
}

// interest appends the model's top k predictions for st to dst as the shift detector reads
// them: name ids with scores renormalised over the k.
func (p *predictor) interest(dst []shift.Entry, st *interest.State, n *names, k int) []shift.Entry {
	p.top = p.r.Top(p.top[:0], st, p.bound(n), k)
	for _, r := range p.top {
		dst = append(dst, shift.Entry{ID: p.nameID(n, r.ID), W: float32(r.Score)})
	}
	return dst
}

// predicted appends the model's top k predictions for st to dst as a shift publishes them:
// categories with the model's probabilities. When interest has just ranked st for the same k,
// fresh is true and its ranking is reused.
func (p *predictor) predicted(dst []schemas.Weighted, st *interest.State, n *names, k int, fresh bool) []schemas.Weighted {
	if !fresh {
		p.r.Top(p.top[:0], st, p.bound(n), k)
	}
	p.top = p.r.Probabilities(p.top[:0])
	for _, r := range p.top {
		dst = append(dst, schemas.Weighted{Name: n.name(p.nameID(n, r.ID)), Weight: r.Score})
	}
	return dst
}

// bound is above every id a state of this partition may hold.
func (p *predictor) bound(n *names) int { return p.m.Vocabulary() + len(n.strs) }
