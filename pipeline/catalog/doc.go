// Package catalog is the set of products ads may be grounded on: a Catalog indexes them by every
// level of their dotted category path and by brand, and Pick chooses the one to advertise to a
// shopper from their profile summary. The path helpers (Levels, Leaf, NormCategory, NormName)
// are how the rest of the creatives flow reads a category the way the catalogue does.
//
// A Catalog is immutable once built and safe for concurrent use: every partition worker of the
// creatives stage shares one.
package catalog
