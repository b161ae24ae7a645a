package schemas

import "time"

// MinEventTime is the earliest plausible event time: an older timestamp is a clock bug, not
// history. The decoder rejects events before it (unless Limits say otherwise), the features stage
// bounds its input by it, and the archive files a record by its Kafka timestamp instead.
var MinEventTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
