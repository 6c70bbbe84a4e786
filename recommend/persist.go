package recommend

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"reflect"
	"slices"
	"time"
)

// The model file: the 8-byte magic, a uint32 version (little endian), the body, and the
// CRC-32C (Castagnoli) of everything before it. The body is counts and indices as uvarints,
// floats as 8-byte IEEE 754 bits, strings as a uvarint length and bytes:
//
//	config (ByQuantity after Binary since version 2); kind weights; categories; items (ID, category+1); users (ID, history of
//	(item, summed weight)); rows (per item: (item, weight) pairs)
//
// The binary user-item matrix, ranks, popularity and the query index are derived on Load.
const (
	fileMagic   = "tailorRM"
	fileVersion = 2 // 2: Config.ByQuantity after Binary
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the model in tailor's versioned binary format. Load reads it back into a model
// that answers every query identically. Save holds a read lock: queries go on meanwhile.
//
// Save writes only what the model knows from its users: a forgotten user leaves no record, and
// an item or a category that no user's history or neighbour list refers to any longer (as
// after Forget) is left out. Categories are written in name order. A model holding a value
// that is not finite (which accepted inputs cannot produce) is refused with an error wrapping
// ErrFormat and nothing is written, rather than written into a file Load would reject.
func (m *Model) Save(w io.Writer) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var e enc
	e.b = append(e.b, fileMagic...)
	e.b = binary.LittleEndian.AppendUint32(e.b, fileVersion)
	c := &m.cfg
	e.uvarint(uint64(c.Algorithm))
	e.uvarint(uint64(c.Similarity))
	e.uvarint(uint64(c.Neighbors))
	e.float(c.Alpha)
	e.float(c.Beta)
	e.float(c.Shrink)
	e.uvarint(uint64(c.MinSupport))
	e.uvarint(uint64(c.Weighting))
	e.float(c.BM25K1)
	e.float(c.BM25B)
	e.uvarint(uint64(c.Scoring))
	e.bool(c.Binary)
	e.bool(c.ByQuantity)
	e.varint(int64(c.HalfLife))
	e.varint(m.w.ref)
	e.float(c.EASELambda)
	e.uvarint(uint64(c.EASEMaxItems))
	kinds := make([]string, 0, len(c.KindWeights))
	for k := range c.KindWeights {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	e.uvarint(uint64(len(kinds)))
	for _, k := range kinds {
		e.str(k)
		e.float(c.KindWeights[k])
	}
	items, cats, catOrder := m.savedIndices()
	e.uvarint(uint64(len(catOrder)))
	for _, k := range catOrder {
		e.str(m.catNames[k])
	}
	e.uvarint(uint64(items.kept))
	for i, id := range m.itemIDs {
		if items.idx[i] >= 0 {
			e.str(id)
			e.uvarint(uint64(cats.of(m.itemCat[i]) + 1))
		}
	}
	users := 0
	for _, id := range m.userIDs {
		if id != "" {
			users++
		}
	}
	e.uvarint(uint64(users))
	for u, id := range m.userIDs {
		if id == "" {
			continue
		}
		e.str(id)
		e.uvarint(uint64(len(m.hist[u])))
		for _, h := range m.hist[u] {
			e.uvarint(uint64(items.idx[h.Item]))
			e.float(h.Raw)
		}
	}
	for i, r := range m.rows {
		if items.idx[i] < 0 {
			continue
		}
		e.uvarint(uint64(len(r)))
		for _, n := range r {
			e.uvarint(uint64(items.idx[n.Item]))
			e.float(n.Sim)
		}
	}
	if e.nonFinite {
		return fmt.Errorf("%w: %s holds a value that is not finite; not saved", ErrFormat, m.whereNonFinite())
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, castagnoli))
	_, err := w.Write(e.b)
	return err
}

// renumbering maps old indices to the ones written (-1: not written).
type renumbering struct {
	idx  []int32
	kept int
}

func (r renumbering) of(i int32) int32 {
	if i < 0 {
		return -1
	}
	return r.idx[i]
}

// savedIndices numbers the items Save writes (those a known user's history or a neighbour
// list refers to, in index order) and the categories it writes (those of written items, in
// name order).
func (m *Model) savedIndices() (items, cats renumbering, catOrder []int32) {
	items.idx = make([]int32, len(m.itemIDs))
	for i := range items.idx {
		items.idx[i] = -1
	}
	for u, h := range m.hist {
		if m.userIDs[u] == "" {
			continue
		}
		for _, e := range h {
			items.idx[e.Item] = 0
		}
	}
	for i, r := range m.rows {
		if len(r) > 0 {
			items.idx[i] = 0
		}
		for _, n := range r {
			items.idx[n.Item] = 0
		}
	}
	cats.idx = make([]int32, len(m.catNames))
	for i := range cats.idx {
		cats.idx[i] = -1
	}
	for i, v := range items.idx {
		if v < 0 {
			continue
		}
		items.idx[i] = int32(items.kept)
		items.kept++
		if c := m.itemCat[i]; c >= 0 && cats.idx[c] < 0 {
			cats.idx[c] = 0
			catOrder = append(catOrder, c)
		}
	}
	slices.SortFunc(catOrder, func(a, b int32) int { return cmpString(m.catNames[a], m.catNames[b]) })
	for k, c := range catOrder {
		cats.idx[c] = int32(k)
	}
	cats.kept = len(catOrder)
	return items, cats, catOrder
}

// whereNonFinite names the first place holding a value that is not finite, for Save's error.
func (m *Model) whereNonFinite() string {
	for u, h := range m.hist {
		for _, e := range h {
			if !isFinite(e.Raw) {
				return fmt.Sprintf("the affinity of user %q to item %q", m.userIDs[u], m.itemIDs[e.Item])
			}
		}
	}
	for i, r := range m.rows {
		for _, n := range r {
			if !isFinite(n.Sim) {
				return fmt.Sprintf("the weight of item %q for item %q", m.itemIDs[n.Item], m.itemIDs[i])
			}
		}
	}
	return "the configuration"
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Load reads a model written by Save. A file that is truncated, corrupted (checksum mismatch),
// of another version or inconsistent gives an error wrapping ErrFormat, never a panic. A model
// whose users were all forgotten (or hold only returns) saves and loads, and answers every
// query with nothing, so that a host can persist the erasure of every user.
//
// Memory: from a random-access source (a regular *os.File, a bytes.Reader, a strings.Reader,
// an io.SectionReader, read from its current offset to its end) Load reads the file in place
// through a 64 KiB window; from any other reader it first reads it into memory once. It checks
// the checksum, then counts every record before it allocates anything for the model, so a
// count larger than the remaining bytes could hold fails before any allocation; it then
// allocates every structure at its exact size. Records that carry nothing (a forgotten user's
// empty record, items and categories nothing refers to, which files written before Save left
// them out may hold) are skipped without costing memory. Measured, in bytes allocated in all
// (runtime.MemStats.TotalAlloc) over the file's size, read in place: 0.04 for 5M
// forgotten-user records, 0.5 for 2M items nobody has, 3.4 for 100k users of 8 items with 50
// neighbours per item, and at most 14 for the most compact valid files (one item per user or
// one user per item, IDs of 1-4 bytes, where 100-200 bytes of slice headers and map entries per
// record outweigh its 12-17 bytes on file); from a plain reader, one more (the copy); each
// plus at most 16 MiB. The tests hold Load to 4 times the file plus 16 MiB in place (5 times
// from a plain reader) on all but the most compact shapes, and to 5 s on 10 MB hostile files.
func Load(r io.Reader) (*Model, error) {
	if src, size, ok := seekable(r); ok {
		return loadAt(src, size)
	}
	c, err := readChunks(r)
	if err != nil {
		return nil, fmt.Errorf("recommend: reading model: %w", err)
	}
	return loadAt(c, c.size)
}

// seekable returns r as a random-access source of its remaining bytes, when it is one (an
// *os.File of a regular file, a bytes.Reader, a strings.Reader, an io.SectionReader). Load
// then reads it in place through a small window instead of copying it into memory, and
// leaves r at its end, as if read.
func seekable(r io.Reader) (io.ReaderAt, int64, bool) {
	ra, ok := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok || !ok2 {
		return nil, 0, false
	}
	start, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, false
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if err != nil || end < start {
		sk.Seek(start, io.SeekStart)
		return nil, 0, false
	}
	return io.NewSectionReader(ra, start, end-start), end - start, true
}

// windowSize is the buffer through which Load reads a random-access source.
const windowSize = 64 << 10

// loadAt is Load from a random-access source of size bytes: the checksum is computed in one
// streaming pass, then the body is decoded through windows.
func loadAt(src io.ReaderAt, size int64) (*Model, error) {
	head := make([]byte, len(fileMagic)+4)
	if size < int64(len(fileMagic))+8 {
		return nil, fmt.Errorf("%w: not a tailor model (magic)", ErrFormat)
	}
	if _, err := src.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("recommend: reading model: %w", err)
	}
	if string(head[:len(fileMagic)]) != fileMagic {
		return nil, fmt.Errorf("%w: not a tailor model (magic)", ErrFormat)
	}
	win := make([]byte, min(windowSize, size)) // >= 16 bytes: more than a number takes
	crc := uint32(0)
	for off := int64(0); off < size-4; {
		n := int(min(int64(len(win)), size-4-off))
		if _, err := src.ReadAt(win[:n], off); err != nil {
			return nil, fmt.Errorf("recommend: reading model: %w", err)
		}
		crc = crc32.Update(crc, castagnoli, win[:n])
		off += int64(n)
	}
	var tail [4]byte
	if _, err := src.ReadAt(tail[:], size-4); err != nil {
		return nil, fmt.Errorf("recommend: reading model: %w", err)
	}
	if crc != binary.LittleEndian.Uint32(tail[:]) {
		return nil, fmt.Errorf("%w: checksum mismatch (truncated or corrupted)", ErrFormat)
	}
	if v := binary.LittleEndian.Uint32(head[len(fileMagic):]); v != fileVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads %d", ErrFormat, v, fileVersion)
	}
	return decodeModel(&dec{src: src, next: int64(len(head)), end: size - 4, win: win})
}

// chunks holds a stream read to its end, in pieces of growing size (64 KiB to 8 MiB), so
// that reading it allocates its size once (io.ReadAll's doubling allocates up to five times
// as much); Load then decodes it in place through ReadAt.
type chunks struct {
	pieces [][]byte
	starts []int64 // offset of each piece
	size   int64
}

func readChunks(r io.Reader) (*chunks, error) {
	c := &chunks{}
	size := 64 << 10
	for {
		piece := make([]byte, size)
		n, err := io.ReadFull(r, piece)
		if n > 0 {
			c.pieces = append(c.pieces, piece[:n])
			c.starts = append(c.starts, c.size)
			c.size += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		size = min(2*size, 8<<20)
	}
}

// ReadAt implements io.ReaderAt.
func (c *chunks) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > c.size {
		return 0, io.EOF
	}
	k, found := slices.BinarySearch(c.starts, off)
	if !found && k > 0 {
		k--
	}
	n := 0
	for ; n < len(p) && k < len(c.pieces); k++ {
		piece := c.pieces[k]
		from := int(max(off+int64(n)-c.starts[k], 0))
		n += copy(p[n:], piece[from:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// layout is what decodeModel's first pass learns of the body: where each section starts, and
// how many records of each kind the model will hold.
type layout struct {
	cfg                          Config
	ref                          int64
	cats, items, users, rows     mark // where the sections start
	nCats, nItems, nUsers        int  // records in the file
	keptCats, keptItems          int  // records the model keeps
	keptUsers, entries, neighbrs int
	itemNew, catNew              []int32 // new index per record in the file, or -1
}

// decodeModel reads the body in two passes. The first checks every record and counts them,
// allocating only one int32 per item and per category (to renumber them); the second builds
// the model with every slice and map at its final size.
func decodeModel(d *dec) (*Model, error) {
	lay, err := d.scan()
	if err != nil {
		return nil, err
	}
	return lay.build(d)
}

func (d *dec) config() (Config, int64) {
	var c Config
	c.Algorithm = Algorithm(d.uvarint(2))
	c.Similarity = Similarity(d.uvarint(uint64(RP3Beta) + 1))
	c.Neighbors = int(d.uvarint(math.MaxInt32))
	c.Alpha, c.Beta, c.Shrink = d.float(), d.float(), d.float()
	c.MinSupport = int(d.uvarint(math.MaxInt32))
	c.Weighting = Weighting(d.uvarint(uint64(BM25) + 1))
	c.BM25K1, c.BM25B = d.float(), d.float()
	c.Scoring = Scoring(d.uvarint(uint64(Pull)))
	c.Binary = d.bool()
	c.ByQuantity = d.bool()
	c.HalfLife = time.Duration(d.varint())
	ref := d.varint()
	c.EASELambda = d.float()
	c.EASEMaxItems = int(d.uvarint(math.MaxInt32))
	nk := d.count(9)
	c.KindWeights = make(map[string]float64, nk)
	for range nk {
		k := d.str()
		c.KindWeights[k] = d.float()
	}
	return c, ref
}

// scan is the first pass.
func (d *dec) scan() (*layout, error) {
	lay := &layout{}
	c, ref := d.config()
	if d.err != nil {
		return nil, d.err
	}
	if c.HalfLife > 0 {
		c.Now = time.Unix(ref, 0).UTC()
	}
	rc, err := c.resolved()
	c.Workers = rc.Workers
	if err != nil || !sameConfig(rc, c) {
		return nil, fmt.Errorf("%w: invalid config in file", ErrFormat)
	}
	lay.cfg, lay.ref = c, ref

	lay.cats = d.mark()
	lay.nCats = d.count(1)
	for range lay.nCats {
		if d.skipStr() == 0 && d.err == nil {
			d.fail("empty category name")
		}
	}
	lay.items = d.mark()
	lay.nItems = d.count(2)
	for range lay.nItems {
		d.skipStr()
		d.uvarint(uint64(lay.nCats))
	}
	if d.err != nil {
		return nil, d.err
	}
	lay.itemNew = make([]int32, lay.nItems) // 0: not referred to, 1: referred to
	lay.users = d.mark()
	lay.nUsers = d.count(2)
	for range lay.nUsers {
		idLen := d.skipStr()
		n := d.count(9)
		if d.err != nil {
			break
		}
		switch {
		case idLen > 0 && n == 0:
			d.fail("user without interactions")
		case idLen == 0 && n > 0:
			d.fail("forgotten user with a history")
		case idLen > 0:
			lay.keptUsers++
			lay.entries += n
		}
		prev := int32(-1)
		for range n {
			it := d.index(lay.nItems)
			d.float()
			if it <= prev && d.err == nil {
				d.fail("history not sorted")
			}
			prev = it
			if d.err != nil {
				break
			}
			lay.itemNew[it] = 1
		}
	}
	lay.rows = d.mark()
	for i := range lay.nItems {
		n := d.count(9)
		if d.err != nil {
			break
		}
		if n > 0 {
			lay.itemNew[i] = 1
		}
		lay.neighbrs += n
		for range n {
			it := d.index(lay.nItems)
			d.float()
			if d.err != nil {
				break
			}
			lay.itemNew[it] = 1
		}
	}
	if d.err == nil && d.left() != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	// Number the kept items in file order, and the categories they use.
	lay.catNew = make([]int32, lay.nCats)
	items := d.at(lay.items)
	items.count(2)
	for i := range lay.nItems {
		items.skipStr()
		cat := int(items.uvarint(uint64(lay.nCats))) - 1
		if lay.itemNew[i] == 0 {
			lay.itemNew[i] = -1
			continue
		}
		lay.itemNew[i] = int32(lay.keptItems)
		lay.keptItems++
		if cat >= 0 {
			lay.catNew[cat] = 1
		}
	}
	for k, used := range lay.catNew {
		lay.catNew[k] = -1
		if used == 1 {
			lay.catNew[k] = int32(lay.keptCats)
			lay.keptCats++
		}
	}
	return lay, nil
}

// errChanged reports a second pass that read other bytes than the first: the file changed
// while it was loaded.
var errChanged = fmt.Errorf("%w: the file changed while it was read", ErrFormat)

// build is the second pass: it allocates the model at its final size and fills it.
func (lay *layout) build(src *dec) (*Model, error) {
	m := newModel(lay.cfg)
	m.setRef(lay.ref)
	m.catNames = make([]string, 0, lay.keptCats)
	m.catIdx = make(map[string]int32, lay.keptCats)
	d := src.at(lay.cats)
	d.count(1)
	for k := range lay.nCats {
		name := d.str()
		if lay.catNew[k] < 0 {
			continue
		}
		if _, dup := m.catIdx[name]; dup {
			return nil, fmt.Errorf("%w: duplicate category name", ErrFormat)
		}
		m.setCategoryName(name)
	}
	if d.err != nil {
		return nil, errChanged
	}
	n := lay.keptItems
	m.itemIDs = make([]string, 0, n)
	m.itemCat = make([]int32, 0, n)
	m.itemIdx = make(map[string]int32, n)
	m.iusers = make([][]int32, n)
	m.rows = make([][]neighbor, n)
	d = src.at(lay.items)
	d.count(2)
	for i := range lay.nItems {
		id := d.strIf(lay.itemNew[i] >= 0)
		cat := int32(d.uvarint(uint64(lay.nCats))) - 1
		if lay.itemNew[i] < 0 {
			continue
		}
		if _, dup := m.itemIdx[id]; dup || id == "" {
			return nil, fmt.Errorf("%w: empty or duplicate item ID", ErrFormat)
		}
		m.itemIdx[id] = int32(len(m.itemIDs))
		m.itemIDs = append(m.itemIDs, id)
		if cat >= 0 {
			cat = lay.catNew[cat]
		}
		m.itemCat = append(m.itemCat, cat)
	}
	if d.err != nil {
		return nil, errChanged
	}
	m.userIDs = make([]string, 0, lay.keptUsers)
	m.userIdx = make(map[string]int32, lay.keptUsers)
	m.hist = make([][]entry, 0, lay.keptUsers)
	m.upos = make([][]int32, lay.keptUsers)
	entries := make([]entry, 0, lay.entries)
	d = src.at(lay.users)
	d.count(2)
	for range lay.nUsers {
		id := d.str()
		k := d.count(9)
		start := len(entries)
		for range k {
			it := d.index(lay.nItems)
			if lay.itemNew[it] < 0 {
				return nil, errChanged
			}
			entries = append(entries, entry{Item: lay.itemNew[it], Raw: d.float()})
		}
		if id == "" {
			continue
		}
		if len(m.userIDs) == lay.keptUsers {
			return nil, errChanged
		}
		if _, dup := m.userIdx[id]; dup {
			return nil, fmt.Errorf("%w: duplicate user ID", ErrFormat)
		}
		m.userIdx[id] = int32(len(m.userIDs))
		m.userIDs = append(m.userIDs, id)
		m.hist = append(m.hist, entries[start:len(entries):len(entries)])
	}
	if d.err != nil {
		return nil, errChanged
	}
	nbs := make([]neighbor, 0, lay.neighbrs)
	d = src.at(lay.rows)
	for i := range lay.nItems {
		k := d.count(9)
		start := len(nbs)
		for range k {
			it := d.index(lay.nItems)
			if lay.itemNew[it] < 0 || lay.itemNew[i] < 0 {
				return nil, errChanged
			}
			nbs = append(nbs, neighbor{Item: lay.itemNew[it], Sim: d.float()})
		}
		if j := lay.itemNew[i]; j >= 0 {
			m.rows[j] = nbs[start:len(nbs):len(nbs)]
		}
	}
	if d.err != nil || len(m.userIDs) != lay.keptUsers { // the first pass read these bytes without error
		return nil, errChanged
	}
	// The file's bytes are no longer needed: let the collector have them while the derived
	// structures are built.
	*lay, d = layout{}, nil
	m.derivePositive()
	m.rebuildIndex()
	return m, nil
}

// sameConfig compares configs that hold a map and a func.
func sameConfig(a, b Config) bool {
	a.Progress, b.Progress = nil, nil
	return reflect.DeepEqual(a, b)
}

func (m *Model) setCategoryName(name string) {
	m.catIdx[name] = int32(len(m.catNames))
	m.catNames = append(m.catNames, name)
}

// enc appends the body; nonFinite records that a float written was NaN or infinite.
type enc struct {
	b         []byte
	nonFinite bool
}

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) float(v float64) {
	e.nonFinite = e.nonFinite || !isFinite(v)
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
}
func (e *enc) str(s string) { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// dec reads the body, from memory (b holds all of it) or from a random-access source through
// a window; after the first error every read returns zero and d.err stays set.
type dec struct {
	b    []byte      // bytes read and not yet consumed
	src  io.ReaderAt // where the rest comes from; nil when b holds all of the input
	next int64       // offset in src of the first byte after b
	end  int64       // offset in src where the body ends
	win  []byte      // the window b lives in
	err  error
}

// mark is a position in the body, to decode a section again.
type mark struct {
	b   []byte
	off int64
}

func (d *dec) mark() mark { return mark{b: d.b, off: d.next - int64(len(d.b))} }

// at returns a decoder positioned at m.
func (d *dec) at(m mark) *dec {
	if d.src == nil {
		return &dec{b: m.b}
	}
	return &dec{src: d.src, next: m.off, end: d.end, win: make([]byte, len(d.win))}
}

// left returns the number of bytes not yet consumed.
func (d *dec) left() int64 { return int64(len(d.b)) + d.end - d.next }

// fill makes b hold at least n bytes (n <= len(win)), or all that is left.
func (d *dec) fill(n int) {
	if len(d.b) >= n || d.src == nil || d.next >= d.end {
		return
	}
	k := copy(d.win, d.b)
	m := int(min(int64(len(d.win)-k), d.end-d.next))
	if got, err := d.src.ReadAt(d.win[k:k+m], d.next); got < m {
		d.fail(fmt.Sprintf("reading: %v", err))
		return
	}
	d.next += int64(m)
	d.b = d.win[:k+m]
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrFormat, what)
	}
	d.b, d.next = nil, d.end
}

// uvarint reads a value that must be <= limit.
func (d *dec) uvarint(limit uint64) uint64 {
	d.fill(binary.MaxVarintLen64)
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong number")
		return 0
	}
	d.b = d.b[n:]
	if v > limit {
		d.fail(fmt.Sprintf("value %d out of range (max %d)", v, limit))
		return 0
	}
	return v
}

// index reads an item index below n.
func (d *dec) index(n int) int32 {
	if n == 0 {
		d.fail("item index without items")
		return 0
	}
	return int32(d.uvarint(uint64(n) - 1))
}

func (d *dec) varint() int64 {
	d.fill(binary.MaxVarintLen64)
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("truncated or overlong number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length whose elements take at least minBytes each, so a hostile count cannot
// exceed what the remaining bytes could hold and cannot make Load allocate without bound.
func (d *dec) count(minBytes int) int {
	return int(d.uvarint(uint64(d.left() / int64(minBytes))))
}

func (d *dec) float() float64 {
	d.fill(8)
	if len(d.b) < 8 {
		d.fail("truncated float")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		d.fail("non-finite number")
		return 0
	}
	return v
}

func (d *dec) bool() bool {
	v := d.uvarint(1)
	return v == 1
}

// strLen reads a string's length and checks that its bytes are there.
func (d *dec) strLen() int {
	n := d.uvarint(math.MaxInt32)
	if d.err != nil {
		return 0
	}
	if int64(n) > d.left() {
		d.fail("truncated string")
		return 0
	}
	return int(n)
}

// skipStr steps over a string and returns its length.
func (d *dec) skipStr() int {
	n := d.strLen()
	if n <= len(d.b) {
		d.b = d.b[n:]
	} else {
		d.next += int64(n - len(d.b))
		d.b = d.b[:0]
	}
	return n
}

// strIf reads a string, copying it only when keep is set.
func (d *dec) strIf(keep bool) string {
	if keep {
		return d.str()
	}
	d.skipStr()
	return ""
}

func (d *dec) str() string {
	n := d.strLen()
	if n > len(d.b) && n <= len(d.win) {
		d.fill(n)
	}
	if n <= len(d.b) {
		s := string(d.b[:n])
		d.b = d.b[n:]
		return s
	}
	// Longer than the window: read it in place.
	buf := make([]byte, n)
	k := copy(buf, d.b)
	if got, err := d.src.ReadAt(buf[k:], d.next); got < n-k {
		d.fail(fmt.Sprintf("reading: %v", err))
		return ""
	}
	d.next += int64(n - k)
	d.b = d.b[:0]
	return string(buf)
}
