// Package dataset replays public e-commerce datasets as Segment e-commerce spec v2 events and
// loads product catalogues from them. It is where the demo, benchmarks and replay tests get real
// traffic: a Reader turns source rows into schemas.Event values ("track" calls) that go onto the
// clickstream exactly as a site tracker would have sent them, a Pacer spaces them out in wall time,
// and LoadCatalog builds the schemas.Product records creatives are grounded on.
//
// Readers map rows as follows.
//
//	format          row                                  event                      user                    product fields
//	rees46          event_type=view                      Product Viewed             userId = user_id        product_id, brand, category, price (USD)
//	                event_type=cart                      Product Added (quantity 1)
//	                event_type=purchase                  Order Completed, 1 item    order_id = hash(user_session, product_id, event_time)
//	taobao          behavior=pv                          Product Viewed             userId = user_id        product_id = item_id, category "taobao:<category_id>",
//	                behavior=fav                         Product Added to Wishlist                          no brand, title or price; context.locale zh-CN
//	                behavior=cart                        Product Added (quantity 1)
//	                behavior=buy                         Order Completed, 1 item    order_id = hash(user_id, item_id, timestamp)
//	online-retail   all lines of one InvoiceNo           Order Completed, n items   userId = CustomerID     product_id = StockCode, name = tidied Description,
//	                                                                                ("17850.0" -> "17850"), price (GBP), quantity; order_id = InvoiceNo,
//	                                                                                else anonymousId        revenue = sum of price x quantity
//	                                                                                "invoice:<InvoiceNo>"
//	                all lines of one C<InvoiceNo>        Order Refunded, n items    as above, quantity = the quantity cancelled (positive)
//	segment         one JSON line                        as decoded by schemas.DecodeEvent (zero Limits)
//
// REES46 categories are category_code ("electronics.smartphone"), or "category_id:<id>" when the
// code is empty; a price of 0.00 means the store did not know it and is left out of the event.
// Online Retail groups an invoice's lines into one Order Completed because that is what the
// Segment spec calls an order, and attribution counts one conversion per order: one event per
// line would count a ten-line basket as ten conversions. A cancellation (InvoiceNo starting with
// C, negative quantities) is an Order Refunded: the features stage retracts the interest its
// products had added, and no stage counts it as a conversion. Invoices are contiguous in the files.
// InvoiceDate is read as UTC (the data is UK winter time, which is UTC). Taobao timestamps are
// unix seconds and are kept as they are, even outside the dataset's nine days: deciding that an
// event time is out of range is the pipeline's job, not the replay's.
//
// Every emitted event carries a messageId that is a hash of format, file name and line number
// (for an invoice, its first line), so replaying the same file twice yields the same ids and
// downstream dedup drops the repeat.
//
// A row that cannot be mapped is returned by Next as a *RowError naming a short reason
// (ReasonBadPrice, ReasonNotAProduct, ...); it is not fatal and the next call carries on with
// the next row. Any other error (a file that cannot be read, a header that is not the format's)
// is fatal. Readers and Pacers are not safe for concurrent use; LoadCatalog is.
package dataset
