package schemas

// Header is one Kafka record header, the one header type of the domain: on a pipeline.Record, on
// a dead letter's failure headers and in an archive row (whose Parquet column it also names).
// The Kafka adapters convert it to and from franz-go's at the boundary, and nowhere else.
type Header struct {
	Key   string `parquet:"key"`
	Value []byte `parquet:"value,optional"`
}
