/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every block and virtio API difference drvhook_vblk deals with besides
 * the core's (../core/compat.h), each with the version it is for and the
 * mainline commit that made it. The matrix is 6.1, 6.12 and 7.3; each
 * shim was checked against the headers of Debian's 6.1.176, 6.12.117
 * and 7.3.4.
 */
#ifndef _DRVHOOK_VBLK_COMPAT_H
#define _DRVHOOK_VBLK_COMPAT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/virtio_config.h>

/*
 * @n virtqueues, each with callback @cb and its name. virtio_find_vqs()
 * takes a struct virtqueue_info (name, callback) per queue since 6.11
 * (commit 6c85d6b653ca, "virtio: rename virtio_find_vqs_info() to
 * virtio_find_vqs()"; the struct came with commit c502eb85c34e, "virtio:
 * introduce virtio_queue_info struct and find_vqs_info() config op");
 * before, an array of callbacks and one of names.
 */
static inline int vblk_find_vqs(struct virtio_device *vdev, unsigned int n,
				struct virtqueue **vqs, vq_callback_t *cb,
				const char **names)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	struct virtqueue_info *info;
#else
	vq_callback_t **info;
#endif
	unsigned int i;
	int err;

	info = kcalloc(n, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	for (i = 0; i < n; i++) {
		info[i].name = names[i];
		info[i].callback = cb;
	}
	err = virtio_find_vqs(vdev, n, vqs, info, NULL);
#else
	for (i = 0; i < n; i++)
		info[i] = cb;
	err = virtio_find_vqs(vdev, n, vqs, info, names, NULL);
#endif
	kfree(info);
	return err;
}

/*
 * BLK_MQ_F_SHOULD_MERGE went in 6.14 (commit cc76ace465d6, "block:
 * remove BLK_MQ_F_SHOULD_MERGE"): merging is the default since.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
#define VBLK_MQ_F_MERGE		0
#else
#define VBLK_MQ_F_MERGE		BLK_MQ_F_SHOULD_MERGE
#endif

/*
 * blk_rq_map_sg() lost its request_queue argument (the request has it)
 * in 6.15 (commit 75618ac6e98f, "block: remove unused parameter 'q'
 * parameter in __blk_rq_map_sg()"): 6.12 has (q, rq, sglist), 7.3
 * (rq, sglist).
 */
static inline int vblk_map_sg(struct request *rq, struct scatterlist *sg)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	return blk_rq_map_sg(rq, sg);
#else
	return blk_rq_map_sg(rq->q, rq, sg);
#endif
}

/*
 * The disk with its queue limits and its write cache. blk_mq_alloc_disk()
 * takes the queue_limits since 6.9 (commit 27e32cd23fed, "block: pass a
 * queue_limits argument to blk_mq_alloc_disk"); before, the limits are
 * set one by one on the queue. The write cache is a feature of the limits
 * since 6.11 (BLK_FEAT_WRITE_CACHE, commit 1122c0c1cc71, "block: move
 * cache control settings out of queue->flags"); before,
 * blk_queue_write_cache(). A queue is non-rotational unless its driver
 * sets BLK_FEAT_ROTATIONAL since 6.11 (commit bd4a633b6f7c, "block: move
 * the nonrot flag to queue_limits"); before, rotational unless it sets
 * QUEUE_FLAG_NONROT, which it does here so that the disk is the same on
 * every kernel.
 */
static inline struct gendisk *vblk_alloc_disk(struct blk_mq_tag_set *set,
					      struct queue_limits *lim,
					      bool wc, void *data)
{
	struct gendisk *disk;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	if (wc)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	disk = blk_mq_alloc_disk(set, lim, data);
#else
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	disk = blk_mq_alloc_disk(set, lim, data);
#else
	struct request_queue *q;

	disk = blk_mq_alloc_disk(set, data);
	if (IS_ERR(disk))
		return disk;
	q = disk->queue;
	blk_queue_logical_block_size(q, lim->logical_block_size);
	blk_queue_physical_block_size(q, lim->physical_block_size);
	blk_queue_max_hw_sectors(q, lim->max_hw_sectors);
	blk_queue_max_segments(q, lim->max_segments);
	blk_queue_max_segment_size(q, lim->max_segment_size);
	blk_queue_max_discard_segments(q, lim->max_discard_segments);
	blk_queue_max_discard_sectors(q, lim->max_hw_discard_sectors);
	q->limits.discard_granularity = lim->discard_granularity;
	blk_queue_max_write_zeroes_sectors(q, lim->max_write_zeroes_sectors);
#endif
	if (!IS_ERR(disk)) {
		blk_queue_write_cache(disk->queue, wc, false);
		blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
	}
#endif
	return disk;
}

#endif
