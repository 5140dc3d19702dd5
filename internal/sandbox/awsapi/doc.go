// Package awsapi is what the sandbox's AWS services have in common on the wire: the AWS error (code, message, HTTP
// status), the parameters of Query-protocol requests (EC2 query and awsQuery), the response the router writes, the
// awsQuery envelopes STS and IAM answer in, ARNs and partitions, and the wildcard matching IAM action names and EC2
// filters share.
//
// Like the rest of the sandbox it is an independent model of AWS: it imports no package of the product.
package awsapi
