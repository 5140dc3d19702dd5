package awsapi

import (
	"errors"
	"maps"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits an ARN into its parts; the partition, the service and the resource must not be empty.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return ARN{}, errors.New("not an ARN")
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// regionPartitions maps the name prefix of a Region outside the aws partition to its partition.
var regionPartitions = map[string]string{
	"cn-":      "aws-cn",
	"us-gov-":  "aws-us-gov",
	"us-iso-":  "aws-iso",
	"us-isob-": "aws-iso-b",
	"eusc-":    "aws-eusc",
}

// Partition is the AWS partition of a Region: aws unless the Region's name has the prefix of another partition.
func Partition(region string) string {
	for prefix, partition := range regionPartitions {
		if strings.HasPrefix(region, prefix) {
			return partition
		}
	}
	return "aws"
}

// PartitionPrefixes returns the Region name prefixes Partition knows and their partitions. The product keeps its
// own table (the sandbox is an independent model); a test holds the two equal.
func PartitionPrefixes() map[string]string { return maps.Clone(regionPartitions) }
