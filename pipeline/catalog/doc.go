// Package catalog is the set of products ads may be grounded on: a Catalog indexes them by every
// level of their category path and by brand. A Ranker chooses the product to advertise for a
// shift: it scores products by their Closeness to the shopper's interests (the interest model's
// prediction, else the profile's top categories), their price fit and a popularity prior,
// leaving out what the shopper bought or was shown lately, and says why when nothing fits
// (NoProductError). Taxonomy is the default Closeness, comparing category paths level by level
// whatever their separators and spelling. Pick is the older choice, a product from the top
// category, kept for comparison. The path helpers (Levels, Leaf, NormCategory, NormName,
// PathLevels) are how the rest of the creatives flow reads a category the way the catalogue does.
// PlaceInGroups gives products without a category (a shop without a category tree) the interest
// group a Placer (the interest model's groups) puts them in, before NewCatalog indexes them.
//
// A Catalog and a Ranker are immutable once built and safe for concurrent use: every partition
// worker of the creatives stage shares them.
package catalog
