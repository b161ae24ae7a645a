package creatives

import (
	"testing"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/pipeline/creative"
)

// The stage holds copy to its own limits: it shares a generator's guard only when that judges
// alike.
func TestStageKeepsItsOwnGuard(t *testing.T) {
	cat := catalog.NewCatalog(catalogtest.Products())
	own := creative.Guard{}.WithBrands(cat.Brands())
	tighter := creative.NewTemplate(creative.Guard{HeadlineMax: 20}.WithBrands(cat.Brands()))
	if g := stageGuard(own, tighter); !g.Same(own) || g.Same(tighter.Guard()) {
		t.Error("the stage took a guard with other limits")
	}
	fewer := creative.NewTemplate(creative.Guard{}.WithBrands(cat.Brands()[:1]))
	if g := stageGuard(own, fewer); !g.Same(own) {
		t.Error("the stage took a guard that knows fewer brands")
	}
}
